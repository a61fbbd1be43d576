"""Minting tokens buys neither requests nor an endless supply (issue 13, finding 5)."""

from __future__ import annotations

import asyncio
import time

import pytest

from admin_api import deps
from admin_api.accounts.models import Role
from admin_api.accounts.service import MAX_ACTIVE_TOKENS
from tests.helpers.api import Api


async def _me(api: Api, headers: dict[str, str]) -> int:
    return int((await api.client.get("/api/v1/me", headers=headers)).json()["id"])


async def test_the_rate_limit_holds_per_account_whatever_the_token(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps, "REQUESTS_PER_MINUTE", 12)
    # The limit counts per minute of the clock: the 20 requests must fall in one minute, so
    # they start in a fresh one when less than half of this one is left.
    left_s = 60 - time.time() % 60
    if left_s < 30:
        await asyncio.sleep(left_s + 0.1)
    first = await api.account(Role.ASSOCIATION, await api.organization())
    account_id = await _me(api, first)
    tokens = [first]
    for n in range(3):
        minted = await api.client.post(
            f"/api/v1/accounts/{account_id}/tokens", json={"label": f"t{n}"}, headers=first
        )
        assert minted.status_code == 201, minted.text
        tokens.append({"Authorization": f"Bearer {minted.json()['token']}"})
    statuses = [
        (await api.client.get("/api/v1/me", headers=token)).status_code
        for _ in range(4)
        for token in tokens
    ]
    # 1 + 3 requests above, then 8 more answered: the other 8 of these 16 are refused.
    assert statuses.count(200) == 8, statuses
    assert statuses.count(429) == 8, statuses


async def test_an_account_holds_a_bounded_number_of_active_tokens(api: Api) -> None:
    headers = await api.account(Role.ASSOCIATION, await api.organization())
    account_id = await _me(api, headers)
    url = f"/api/v1/accounts/{account_id}/tokens"
    made = [
        (await api.client.post(url, json={"label": f"t{n}"}, headers=headers)).json()
        for n in range(MAX_ACTIVE_TOKENS - 1)
    ]
    refused = await api.client.post(url, json={"label": "one more"}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"
    revoked = await api.client.delete(f"/api/v1/tokens/{made[0]['id']}", headers=headers)
    assert revoked.status_code == 204
    assert (await api.client.post(url, json={"label": "again"}, headers=headers)).status_code == 201


async def test_an_account_that_does_not_exist_is_not_found_whatever_is_asked(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    missing = 2_000_000_000
    for method, path, body in (
        ("GET", f"/api/v1/accounts/{missing}/tokens", None),
        ("GET", f"/api/v1/accounts/{missing}/audit", None),
        ("POST", f"/api/v1/accounts/{missing}/tokens", {"label": "x"}),
        ("PATCH", f"/api/v1/accounts/{missing}", {"name": "x"}),
    ):
        response = await api.client.request(method, path, json=body, headers=admin)
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {"error": "not_found", "detail": "no such account"}


@pytest.mark.parametrize("days", [True, "30", 1.5])
async def test_a_token_lifetime_is_a_whole_number_of_days(api: Api, days: object) -> None:
    association = await api.account(Role.ASSOCIATION, await api.organization())
    account_id = await _me(api, association)
    minted = await api.client.post(f"/api/v1/accounts/{account_id}/tokens",
                                   json={"expires_in_days": days}, headers=association)  # fmt: skip
    assert minted.status_code == 422, minted.text
    assert minted.json()["error"] == "validation_error"
