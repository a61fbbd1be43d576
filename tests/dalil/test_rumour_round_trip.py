"""A rumour's round trip: created through the API, retrained, asked in two languages, answered.

The retrain is real (`dalil nlu train`, the same code path as production) but small: the new
rumour's phrasings, two examples per intent and language of the shipped data, and a quick
configuration (no transformer layers, 30 epochs), trained into a directory of the test's own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account, issue_token
from core.settings import PROJECT_ROOT, Settings
from dalil.app import create_app
from nlu import training
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from tests.helpers.conversation import Conversation, payloads
from tests.helpers.dialogue import make_dialogue
from tests.helpers.rasa import wait_ready
from tests.helpers.settings import PG_URL, RASA_TOKEN, make_settings
from tests.standins.server import free_port

SMALL_CONFIG = """\
recipe: default.v1
assistant_id: dalil-small
language: xx
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: DIETClassifier
    epochs: 30
    number_of_transformer_layers: 0
    constrain_similarities: true
    random_seed: 7
  - name: EntitySynonymMapper
  - name: ResponseSelector
    retrieval_intent: rumour
    epochs: 30
    number_of_transformer_layers: 0
    constrain_similarities: true
    random_seed: 7
  - name: FallbackClassifier
    threshold: 0.3
policies: []
"""

RUMOUR = {
    "key": "bring_diseases",
    "source_url": "https://www.who.int/",
    "titles": {
        "en": "Migrants bring diseases",
        "fr": "Les migrants apportent des maladies",
        "fa": "مهاجران بیماری می‌آورند",
    },
    "facts": {
        "en": "Migrants are usually in good health when they arrive, and the risk that they "
        "pass infections to people here is very low. Poor living conditions, not origin, "
        "make people ill.",
        "fr": "Les migrants sont en général en bonne santé à leur arrivée, et le risque qu'ils "
        "transmettent des infections à la population est très faible. Ce sont les mauvaises "
        "conditions de vie, pas l'origine, qui rendent malade.",
        "fa": "مهاجران معمولاً هنگام رسیدن سالم هستند و احتمال اینکه بیماری عفونی را به مردم "
        "اینجا منتقل کنند بسیار کم است. شرایط بد زندگی، نه اصلیت، آدم‌ها را بیمار می‌کند.",
    },
    "phrasings": {
        "en": [
            "migrants bring diseases",
            "refugees spread diseases",
            "is it true that foreigners carry viruses",
            "migrants will make us sick",
        ],
        "fr": [
            "les migrants apportent des maladies",
            "les migrants ramènent des maladies chez nous",
            "est-ce vrai que les réfugiés transmettent des maladies",
            "les étrangers propagent des virus",
            "les migrants sont porteurs de maladies contagieuses",
            "on dit que les réfugiés amènent des épidémies",
            "les migrants vont nous rendre malades",
            "c'est vrai que les migrants donnent des maladies ?",
        ],
        "fa": [
            "مهاجران بیماری می‌آورند",
            "آیا درست است که پناهجویان بیماری پخش می‌کنند",
            "خارجی‌ها ویروس منتقل می‌کنند",
            "مهاجرها ناقل بیماری‌های واگیردار هستند",
            "می‌گویند پناهنده‌ها بیماری همه‌گیر می‌آورند",
            "مهاجران ما را بیمار می‌کنند",
            "پناهجوها بیماری با خودشان می‌آورند",
            "راسته که مهاجرا مریضی میارن؟",
        ],
    },
}


@pytest.fixture
async def admin_api(
    pg_engine: AsyncEngine, redis: Redis, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], Settings]]:
    """The admin API with a model directory of its own, and a city admin's headers."""
    settings = make_settings(
        RASA_URL=f"http://127.0.0.1:{free_port()}", NLU_MODEL_DIR=str(tmp_path / "models")
    )
    settings.nlu_model_dir.mkdir()
    application: FastAPI = create_app(settings, roles=())
    async with AsyncSession(pg_engine) as session, session.begin():
        account = await create_account(
            session, name="city team", role=Role.CITY_ADMIN, organization_id=None
        )
        _record, token = await issue_token(session, account=account, label="test")
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://dalil.test") as client:
            yield client, {"Authorization": f"Bearer {token}"}, settings


def _train(settings: Settings, config: Path) -> None:
    """Run `dalil nlu train` as an operator would, on the test database, small and quick."""
    environment = {
        **os.environ,
        "DALIL_PROFILE": "test",
        "DATABASE_URL": PG_URL,
        "NLU_MODEL_DIR": str(settings.nlu_model_dir),
        "NLU_VENV": str(settings.nlu_venv),
    }
    dalil = Path(sys.executable).parent / "dalil"
    completed = subprocess.run(
        [str(dalil), "nlu", "train", "--config", str(config), "--sample", "2"],
        env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "phrasings of rumours from the database" in completed.stdout


@pytest.fixture
async def rasa() -> AsyncIterator[Callable[[Path], Awaitable[str]]]:
    """Serve a model with Rasa on a free port (as `dalil nlu serve` does); stop it after."""
    processes: list[subprocess.Popen[bytes]] = []

    async def start(model: Path) -> str:
        port = free_port()
        command = training.serve_command(
            venv=make_settings().nlu_venv, model=model, host="127.0.0.1", port=port,
            token=RASA_TOKEN,
        )  # fmt: skip
        log_path = model.parent / "rasa-server.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command, env=training.rasa_environment(), stdout=log_file,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        await wait_ready(url, process, log_path)
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


async def test_create_retrain_ask_in_two_languages_get_the_fact(
    admin_api: tuple[httpx.AsyncClient, dict[str, str], Settings],
    rasa: Callable[[Path], Awaitable[str]],
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    identifier: LanguageIdentifier,
    tmp_path: Path,
) -> None:
    client, admin, settings = admin_api
    created = await client.post("/api/v1/rumours", json=RUMOUR, headers=admin)
    assert created.status_code == 201, created.text
    assert (await client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is True

    config = tmp_path / "small-config.yml"
    config.write_text(SMALL_CONFIG, encoding="utf-8")
    await asyncio.to_thread(_train, settings, config)
    assert (await client.get("/api/v1/rumours", headers=admin)).json()["model_stale"] is False

    url = await rasa(training.current_model(settings.nlu_model_dir))
    nlu = NLUClient(url, token=RASA_TOKEN, identifier=identifier, timeout_s=10)
    try:
        dialogue = make_dialogue(sessions, redis, nlu)
        french = Conversation(dialogue, chat_id="5550201")
        reply = await french.say("c'est vrai que les migrants apportent des maladies ?")
        assert reply.text.split("\n\n") == [
            "❌ Idée reçue : Les migrants apportent des maladies",
            f"✅ Réalité : {RUMOUR['facts']['fr']}",  # type: ignore[index]
            "🔗 Source : https://www.who.int/",
        ]
        assert payloads(reply) == ["share:bring_diseases", "sub", "myths"]

        persian = Conversation(dialogue, channel="whatsapp", chat_id="989121234568")
        reply = await persian.say("آیا مهاجران بیماری می‌آورند؟")
        assert reply.rtl
        assert reply.text.split("\n\n")[1] == f"✅ واقعیت: {RUMOUR['facts']['fa']}"  # type: ignore[index]
    finally:
        await nlu.aclose()
