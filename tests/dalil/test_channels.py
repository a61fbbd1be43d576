"""One transcript on Telegram, on WhatsApp and in the web chat, through the real app.

Each channel's person goes through its webhook or endpoint, the inbound stream, the worker
with the real Rasa, the outbound stream and the sender to its platform's stand-in (or the web
chat's outbox), and sees the same conversation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.i18n import translations
from tests.helpers.app import running_app
from tests.helpers.channels import (
    LOCATION,
    WHATSAPP_APP_SECRET,
    Person,
    TelegramPerson,
    WebPerson,
    WhatsAppPerson,
)
from tests.standins.server import serve
from tests.standins.web_browser import Browser
from tests.standins.whatsapp_api import PHONE_NUMBER_ID, WHATSAPP_TOKEN, WhatsAppStandIn

CHANNELS = ["telegram", "whatsapp", "web"]
CATEGORY_MENU = (
    "cat:health", "cat:housing", "cat:education", "cat:jobs", "cat:legal",
    "cat:social_support", "cat:mobility", "myths", "human", "emergency",
)  # fmt: skip
RESULT_BUTTONS = ("more", "only:open", "only:free", "where", "menu", "city", "fb:up", "fb:down")


@asynccontextmanager
async def person_on(channel: str, rasa_url: str) -> AsyncIterator[Person]:
    """Start the app with all three channels; yield a person on `channel`."""
    whatsapp = WhatsAppStandIn()
    async with (
        serve(whatsapp.app()) as whatsapp_url,
        running_app(
            rasa_url,
            WHATSAPP_TOKEN=WHATSAPP_TOKEN,
            WHATSAPP_APP_SECRET=WHATSAPP_APP_SECRET,
            WHATSAPP_VERIFY_TOKEN="dalil-verify-token-for-tests",
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
            WHATSAPP_API_BASE_URL=f"{whatsapp_url}/v21.0",
            CHAT_LONG_POLL_MS=1000,
        ) as app,
    ):
        if channel == "telegram":
            yield TelegramPerson(app.http, app.telegram, 70_020_001)
        elif channel == "whatsapp":
            yield WhatsAppPerson(app.http, whatsapp, 7000)
        else:
            yield WebPerson(Browser(app.http))


@pytest.mark.parametrize("channel", CHANNELS)
async def test_the_same_conversation_on_every_channel(
    app_url_prereqs: None, rasa_url: str, channel: str
) -> None:
    fr = translations("fr")
    async with person_on(channel, rasa_url) as person:
        await person.say("/start")
        (welcome,) = await person.answers(1)
        assert "Dalil" in welcome.text
        assert [p for p in welcome.payloads if p.startswith("lang:")] == [
            "lang:ar", "lang:fr", "lang:en", "lang:es", "lang:it",
            "lang:pt", "lang:de", "lang:fa", "lang:uk", "lang:tr",
        ]  # fmt: skip

        await person.press("lang:fr")
        ask_city = (await person.answers(2))[1]
        assert ask_city.text == "Dans quelle ville êtes-vous ?"
        assert "city:lyon" in ask_city.payloads

        await person.press("city:lyon")
        menu = (await person.answers(3))[2]
        assert (menu.text, menu.payloads) == ("De quoi avez-vous besoin ?", CATEGORY_MENU)

        await person.say("je cherche un cours de français")  # through Rasa
        results = (await person.answers(4))[3]
        assert results.text.startswith("📚 Éducation à Lyon :"), results.text[:60]
        assert results.payloads == RESULT_BUTTONS

        await person.press("where")
        where = (await person.answers(5))[4]
        assert where.payloads == (LOCATION,)

        await person.share_location(35.7836, -5.8132)  # Tangier's medina
        nearest = (await person.answers(6))[5]
        assert nearest.text.startswith("📚 Éducation à Tanger :"), nearest.text[:60]
        # All of Tangier's nearest are shown at once: no "more".
        assert nearest.payloads == RESULT_BUTTONS[1:]

        await person.say("/forget")
        done = (await person.answers(7))[6]
        erased = "Done: I erased your language and city. Send /start to begin again."
        assert (done.text, done.payloads) == (fr.gettext(erased), ())
