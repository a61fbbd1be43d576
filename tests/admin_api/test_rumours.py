"""Rumours and campaigns through the admin API: roles, validation, versions, the bot's menu."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin_api.accounts.models import Role
from bot.dialogue import Dialogue
from core import campaigns, training_record
from dalil.app import create_app
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from services_directory.rumours.service import training_phrasings
from tests.helpers.api import Api
from tests.helpers.conversation import Conversation, payloads
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import make_settings
from tests.standins.server import free_port

SEEDED = {"take_jobs", "more_benefits", "increase_crime"}


@pytest.fixture
async def app(pg_engine: AsyncEngine, redis: Redis, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The HTTP routes, with a model directory of the test's own."""
    settings = make_settings(
        RASA_URL=f"http://127.0.0.1:{free_port()}", NLU_MODEL_DIR=str(tmp_path / "models")
    )
    settings.nlu_model_dir.mkdir()
    application = create_app(settings, roles=())
    async with application.router.lifespan_context(application):
        yield application


def rumour_body(key: str | None = None, **changes: object) -> dict[str, object]:
    """A complete, valid new rumour."""
    body: dict[str, object] = {
        "key": key or f"test_{uuid.uuid4().hex[:8]}",
        "source_url": "https://www.unhcr.org/",
        "titles": {"en": "Refugees are rich", "fr": "Les réfugiés sont riches"},
        "facts": {
            "en": "Most refugees lost their savings and work when they fled.",
            "fr": "La plupart des réfugiés ont perdu leurs économies et leur travail en fuyant.",
        },
        "phrasings": {
            "en": ["refugees are all rich", "migrants have lots of money"],
            "fr": ["les réfugiés sont tous riches"],
        },
    }
    body.update(changes)
    return body


@pytest.fixture
async def bot(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[Dialogue]:
    """The bot's dialogue, reading what the API committed; buttons need no NLU."""
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    yield make_dialogue(sessions, redis, nlu)
    await nlu.aclose()


async def test_roles_city_admins_write_authorities_read_associations_nothing(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    authority = await api.account(Role.AUTHORITY)
    association = await api.account(Role.ASSOCIATION, await api.organization())
    body = rumour_body()
    key = body["key"]

    created = await api.client.post("/api/v1/rumours", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/api/v1/rumours/{key}"

    listed = await api.client.get("/api/v1/rumours?per_page=100", headers=authority)
    assert listed.status_code == 200
    assert {r["key"] for r in listed.json()["contents"]} >= SEEDED | {key}
    read = await api.client.get(f"/api/v1/rumours/{key}", headers=authority)
    assert read.status_code == 200
    assert read.json()["facts"] == body["facts"]

    for method, path, sent in [
        ("POST", "/api/v1/rumours", rumour_body()),
        ("PATCH", f"/api/v1/rumours/{key}", {"source_url": "https://www.iom.int/"}),
        ("POST", f"/api/v1/rumours/{key}/deactivate", None),
        ("POST", "/api/v1/campaigns", {"rumour_key": key}),
    ]:
        response = await api.client.request(
            method, path, json=sent, headers={**authority, "If-Match": '"1"'}
        )
        assert response.status_code == 403, (method, path)
        assert response.json()["error"] == "forbidden"
    for path in ["/api/v1/rumours", f"/api/v1/rumours/{key}"]:
        response = await api.client.get(path, headers=association)
        assert response.status_code == 403
        assert set(response.json()) == {"error", "detail"}
    assert (await api.client.get("/api/v1/rumours")).status_code == 401


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"key": "Has Spaces"}, "key"),
        ({"key": "x"}, "key"),
        ({"source_url": "http://example.org/"}, "source_url"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"titles": {"fr": "Sans anglais"}}, "English"),
        ({"facts": {"ar": "بدون إنجليزية"}}, "English"),
        ({"facts": {"en": "x" * 701}}, "facts"),
        ({"phrasings": {"en": ["two\nlines"]}}, "phrasings"),
        ({"phrasings": {"english": ["a phrasing"]}}, "language code"),
        ({"surprise": True}, "surprise"),
    ],
)
async def test_invalid_rumours_are_refused_in_the_error_shape(
    api: Api, change: dict[str, Any], problem: str
) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    response = await api.client.post("/api/v1/rumours", json=rumour_body(**change), headers=admin)
    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail"}
    assert problem in str(response.json()["detail"])


async def test_a_taken_key_is_a_conflict(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    response = await api.client.post(
        "/api/v1/rumours", json=rumour_body("take_jobs"), headers=admin
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"


async def test_edits_need_the_current_etag(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    body = rumour_body()
    key = body["key"]
    await api.client.post("/api/v1/rumours", json=body, headers=admin)
    change = {
        "facts": {
            "en": "Most refugees arrive with very little.",
            "fa": "بیشتر پناهجویان با دست خالی می‌رسند.",
        }
    }

    missing = await api.client.patch(f"/api/v1/rumours/{key}", json=change, headers=admin)
    assert missing.status_code == 428

    edited = await api.client.patch(
        f"/api/v1/rumours/{key}", json=change, headers={**admin, "If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert edited.json()["facts"] == change["facts"]
    # Fields not sent are kept (phrasings in a canonical order).
    assert edited.json()["phrasings"] == {
        code: sorted(texts)
        for code, texts in body["phrasings"].items()  # type: ignore[attr-defined]
    }

    stale = await api.client.patch(
        f"/api/v1/rumours/{key}",
        json={"source_url": "https://www.oecd.org/migration/"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["current"]["version"] == 2

    for refused in ({"key": "renamed"}, {"active": False}, {"titles": {"fr": "no English"}}):
        response = await api.client.patch(
            f"/api/v1/rumours/{key}", json=refused, headers={**admin, "If-Match": '"2"'}
        )
        assert response.status_code == 422, refused
    assert (await api.client.get(f"/api/v1/rumours/{key}", headers=admin)).json()["version"] == 2
    unknown = await api.client.patch(
        "/api/v1/rumours/no_such_rumour", json=change, headers={**admin, "If-Match": '"1"'}
    )
    assert unknown.status_code == 404


async def test_deactivating_takes_it_out_of_the_bots_menu_at_once(api: Api, bot: Dialogue) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    body = rumour_body()
    key = body["key"]
    await api.client.post("/api/v1/rumours", json=body, headers=admin)
    person = Conversation(bot)

    await person.say("/help")
    menu = await person.press("myths")
    assert f"myth:{key}" in payloads(menu)
    assert set(payloads(menu)) >= {f"myth:{k}" for k in SEEDED}

    off = await api.client.post(f"/api/v1/rumours/{key}/deactivate", headers=admin)
    assert off.status_code == 200
    assert off.json()["active"] is False
    assert off.headers["ETag"] == '"2"'
    # A button of the menu shown before gets the current menu, not the fact.
    older = await person.press(f"myth:{key}")
    assert "✅" not in older.text
    assert f"myth:{key}" not in payloads(older)
    assert "myth:take_jobs" in payloads(older)

    on = await api.client.post(f"/api/v1/rumours/{key}/activate", headers=admin)
    assert on.json()["active"] is True
    await person.say("/help")
    assert f"myth:{key}" in payloads(await person.press("myths"))


async def test_changed_phrasings_mark_the_model_stale(api: Api, app: FastAPI) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    model_dir: Path = app.state.settings.nlu_model_dir
    body = rumour_body()
    key = body["key"]
    await api.client.post("/api/v1/rumours", json=body, headers=admin)
    assert (await api.client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is True

    # Training records what the model learned beside it; the API reads that record.
    async with AsyncSession(api.engine) as session:
        trained = await training_phrasings(session)
    model = model_dir / "dalil-nlu-0123456789abcdef.tar.gz"
    model.write_bytes(b"a model")
    training_record.write(model, data_hash="0123456789abcdef", phrasings=trained)
    assert (await api.client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is False

    edited = await api.client.patch(
        f"/api/v1/rumours/{key}",
        json={"phrasings": {"en": ["refugees are rich people"]}},
        headers={**admin, "If-Match": '"1"'},
    )
    assert edited.status_code == 200
    assert (await api.client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is True
    # Titles and facts are read from the database by the bot: no retrain for them.
    await api.client.patch(
        f"/api/v1/rumours/{key}",
        json={"phrasings": body["phrasings"], "titles": {"en": "Refugees are all rich"}},
        headers={**admin, "If-Match": '"2"'},
    )
    assert (await api.client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is False
    await api.client.post(f"/api/v1/rumours/{key}/deactivate", headers=admin)
    assert (await api.client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is True


async def test_a_campaign_answers_with_its_id_and_reports_counts_only(
    api: Api, redis: Redis
) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    authority = await api.account(Role.AUTHORITY)
    created = await api.client.post(
        "/api/v1/campaigns", json={"rumour_key": "take_jobs", "city": "lyon"}, headers=admin
    )
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["status"] == "sending"
    assert campaign["queued"] == 0
    assert created.headers["Location"] == f"/api/v1/campaigns/{campaign['id']}"

    await redis.hset(
        campaigns.counts_key(campaign["id"]), mapping={"queued": 7, "sent": 5, "skipped": 1}
    )
    report = await api.client.get(f"/api/v1/campaigns/{campaign['id']}", headers=authority)
    assert report.status_code == 200
    assert {k: report.json()[k] for k in campaigns.COUNTS} == {
        "queued": 7, "sent": 5, "failed": 0, "skipped": 1,
    }  # fmt: skip
    assert set(report.json()) == {
        "id", "rumour_key", "city", "status", "created_at", "finished_at", *campaigns.COUNTS,
    }  # fmt: skip

    for body, problem in [
        ({"rumour_key": "no_such_rumour"}, "active rumour"),
        ({"rumour_key": "take_jobs", "city": "atlantis"}, "unknown city"),
        ({"rumour_key": "take_jobs", "recipients": ["5550001"]}, "recipients"),
    ]:
        refused = await api.client.post("/api/v1/campaigns", json=body, headers=admin)
        assert refused.status_code == 422
        assert problem in str(refused.json()["detail"])
    missing = await api.client.get("/api/v1/campaigns/999999", headers=admin)
    assert missing.status_code == 404


@pytest.mark.usefixtures("redis")
async def test_the_same_fact_to_the_same_people_twice_at_once_is_sent_once(
    api: Api, pg_engine: AsyncEngine
) -> None:
    # A double tap, or a script retrying: both requests in flight together.
    admin = await api.account(Role.CITY_ADMIN)
    body = {"rumour_key": "take_jobs", "city": "tangier"}
    answers = await asyncio.gather(
        *(api.client.post("/api/v1/campaigns", json=body, headers=admin) for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    started = next(a for a in answers if a.status_code == 201).json()
    repeated = next(a for a in answers if a.status_code == 409).json()
    assert repeated["error"] == "conflict"
    assert "less than 10 minutes ago" in repeated["detail"]
    async with AsyncSession(pg_engine) as session:
        found = await session.scalars(
            select(campaigns.Campaign.id).where(
                campaigns.Campaign.rumour_key == "take_jobs", campaigns.Campaign.city == "tangier"
            )
        )
        assert list(found) == [started["id"]]
    # Another city's people are other people.
    elsewhere = {"rumour_key": "take_jobs", "city": "lyon"}
    other = await api.client.post("/api/v1/campaigns", json=elsewhere, headers=admin)
    assert other.status_code == 201
