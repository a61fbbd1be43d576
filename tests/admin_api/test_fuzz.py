"""Property-based requests: from the API's own OpenAPI document, and generated import files.

Never a 500. The import endpoint takes its file as the raw body, which the OpenAPI document
cannot describe, so its files are generated here: the directory's own exports (CSV, XLSX,
HSDS JSON, HSDS tabular zip) with random cells, values, ids and bytes changed.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api import deps
from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account, issue_token
from admin_api.limits import MAX_BODY_BYTES
from core.db import create_engine
from dalil.app import create_app
from services_directory.exchange.hsds import tabular_package
from tests.helpers.bombs import workbook_bytes
from tests.helpers.settings import PG_URL, make_settings
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


# Schemathesis gives every operation's test one test id, which pytest-xdist runs only once:
# `make test` runs this test in a pytest of its own, in one process (`-m one_process`).
@pytest.mark.one_process
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


# Import files ----------------------------------------------------------------------------

IMPORT = "/api/v1/imports/services"
# What people and programs put in cells: formulas, quotes, separators, line breaks, numbers
# in every shape, long texts, other scripts.
cell_texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "=1+1", "+212 539", "-", "@x", "\t", '"', ",", "\n", "\r\n", "inf",
                     "1e400", "-0", "true", "null", "[]", "{}", "tng-health-1"]),
    st.text(alphabet="0123456789.,-+eE", max_size=30),
    st.builds(lambda text, times: text * times, st.text(min_size=1, max_size=8),
              st.integers(100, 5000)),
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cell_texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(cell_texts, inner, max_size=4),
    max_leaves=12,
)


# An association's client, its organisation, and the exports the files are made from.
Importer = tuple[httpx.Client, str, dict[str, bytes]]


@pytest.fixture(scope="module")
def importer(
    server: tuple[str, dict[str, str]],
) -> Iterator[tuple[httpx.Client, str, dict[str, bytes]]]:
    """An association's client, its organisation, and the exports files are made from."""
    base_url, _fuzzed = server
    # A token of its own: the requests generated above may well have revoked the other.
    admin = {"Authorization": f"Bearer {asyncio.run(_admin_token())}"}
    client = httpx.Client(base_url=base_url, timeout=60)
    organization = f"fuzz-{uuid.uuid4().hex[:8]}"
    made = client.post("/api/v1/organizations", json={"id": organization, "name": "Fuzz"},
                       headers=admin)  # fmt: skip
    assert made.status_code == 201, made.text
    account = client.post(
        "/api/v1/accounts", headers=admin,
        json={"name": "fuzz-association", "role": "association", "organization_id": organization},
    )  # fmt: skip
    token = client.post(f"/api/v1/accounts/{account.json()['id']}/tokens", json={}, headers=admin)
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    exports = {
        fmt: client.get(f"/api/v1/exports/services.{fmt}",
                        params={"organization_id": "amm-sample-org-1"}, headers=admin).content
        for fmt in ("csv", "json")
    }  # fmt: skip
    # About 150 requests a run of 60 files, up to 7 for a file imported whole: a run with
    # many of those would pass the account's 240 a minute and fail on a 429, not the import.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deps, "REQUESTS_PER_MINUTE", 100_000)
        yield client, organization, exports
    client.close()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    children = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else []  # fmt: skip
    for key, child in children:
        found += _paths(child, (*prefix, key))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    *parents, last = path
    target = document
    for key in parents:
        target = target[key]
    target[last] = value
    return document


def import_file(data: st.DataObject, exports: dict[str, bytes]) -> bytes:
    """An export of the directory's own, changed at random, in one of the four formats."""
    draw = data.draw
    form = draw(st.sampled_from(["csv", "xlsx", "json", "zip"]))
    if form in ("csv", "xlsx"):
        rows = list(csv.reader(io.StringIO(exports["csv"].decode())))
        for _ in range(draw(st.integers(0, 8))):
            row = draw(st.integers(0, len(rows) - 1))
            column = draw(st.integers(0, len(rows[row])))
            rows[row][column : column + 1] = [draw(cell_texts)]
        rows = rows[: draw(st.integers(1, len(rows)))]
        if form == "xlsx":
            # What a worksheet cannot hold at all, a spreadsheet program never writes.
            content = workbook_bytes(
                [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in rows]
            )
        else:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            content = buffer.getvalue().encode()
    else:
        document = json.loads(exports["json"])
        for _ in range(draw(st.integers(0, 6))):
            paths = _paths(document)
            path = paths[draw(st.integers(0, len(paths) - 1))]
            # A copy: a later change may land inside it, and what Hypothesis drew must stay
            # as drawn for it to replay the example.
            document = _replaced(document, path, copy.deepcopy(draw(json_values)))
        services = document.get("contents") if isinstance(document, dict) else None
        if (
            form == "zip"
            and isinstance(services, list)
            and all(isinstance(s, dict) for s in services)
        ):
            try:
                content = tabular_package(services)
            except (TypeError, ValueError, AttributeError, KeyError):
                content = json.dumps(document).encode()  # not even our writer takes it
        else:
            content = json.dumps(document).encode()
    for _ in range(draw(st.integers(0, 2))):
        if content:
            # Not drawn up to len(content): a workbook's length changes with the second it was
            # saved in, and Hypothesis refuses a draw whose bounds differ on replay.
            at = draw(st.integers(0, 2**20)) % len(content)
            content = content[:at] + bytes([draw(st.integers(0, 255))]) + content[at + 1 :]
    return content


def _services_of(client: httpx.Client, organization: str) -> int:
    listed = client.get("/api/v1/services", params={"organization_id": organization})
    return int(listed.json()["total_items"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_import_files_are_imported_or_refused_whole(
    importer: Importer, data: st.DataObject
) -> None:
    client, organization, exports = importer
    content = import_file(data, exports)
    before = _services_of(client, organization)
    response = client.post(IMPORT, content=content)
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows the mix
    body = response.json()
    if response.status_code == 200:
        assert body["applied"] is True
        assert body["errors"] == []
        for service_id in body["created"]:
            assert client.get(f"/api/v1/services/{service_id}").status_code == 200
        assert _services_of(client, organization) == before + len(body["created"])
        return
    # Anything else is the file's fault, said in the error shape, and nothing was written;
    # a body past the API's limit (long texts, escaped in JSON, add up) is refused unread.
    expected = 413 if len(content) > MAX_BODY_BYTES else 422
    assert response.status_code == expected, (response.status_code, response.text[:500])
    assert {"error", "detail"} <= set(body) or body.get("errors"), body
    assert len(body.get("errors", [])) <= 100
    assert _services_of(client, organization) == before
