"""A 2xx leaves only after its write is committed: the very next request sees the write.

Served over a real socket: in-process transports wait for the whole app, hiding the bug of
a commit made after the response was sent.
"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from admin_api.accounts.models import Role
from tests.helpers.api import Api
from tests.standins.server import serve


async def test_a_token_works_once_issued_and_is_refused_once_revoked(
    app: FastAPI, api: Api
) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    account_id = (await api.client.get("/api/v1/me", headers=admin)).json()["id"]
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def issue_use_revoke_use(n: int) -> tuple[int, int]:
            created = await http.post(
                f"/api/v1/accounts/{account_id}/tokens", json={"label": f"t{n}"}, headers=admin
            )
            assert created.status_code == 201
            bearer = {"Authorization": f"Bearer {created.json()['token']}"}
            issued = (await http.get("/api/v1/me", headers=bearer)).status_code
            revoke = await http.delete(f"/api/v1/tokens/{created.json()['id']}", headers=admin)
            assert revoke.status_code == 204
            revoked = (await http.get("/api/v1/me", headers=bearer)).status_code
            return issued, revoked

        # Eight at a time, so commits queue behind each other as they do under load.
        results: list[tuple[int, int]] = []
        for round_ in range(6):
            batch = range(round_ * 8, round_ * 8 + 8)
            results += await asyncio.gather(*(issue_use_revoke_use(n) for n in batch))
    assert results == [(200, 401)] * 48
