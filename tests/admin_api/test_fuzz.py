"""Property-based requests generated from the API's own OpenAPI document: never a 500."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account, issue_token
from core.db import create_engine
from dalil.app import create_app
from tests.conftest import PG_URL, make_settings
from tests.standins.server import free_port

APP = create_app(make_settings(RASA_URL=f"http://127.0.0.1:{free_port()}"), roles=())
schema = schemathesis.openapi.from_dict(APP.openapi())


async def _admin_token() -> str:
    engine = create_engine(PG_URL)
    async with AsyncSession(engine) as session, session.begin():
        account = await create_account(
            session, name="fuzz", role=Role.CITY_ADMIN, organization_id=None
        )
        _record, token = await issue_token(session, account=account, label="fuzz")
    await engine.dispose()
    return token


@pytest.fixture(scope="module")
def server(pg_engine: AsyncEngine) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a real port, in a thread of its own, and a city admin's token."""
    port = free_port()
    config = uvicorn.Config(APP, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    token = asyncio.run(_admin_token())
    yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    instance.should_exit = True
    thread.join(timeout=10)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case: schemathesis.Case[Any], server: tuple[str, dict[str, str]]) -> None:
    base_url, headers = server
    response = case.call(base_url=base_url, headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
