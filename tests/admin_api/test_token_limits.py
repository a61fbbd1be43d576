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
