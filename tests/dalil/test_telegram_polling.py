"""Long polling: with no public address, the bot fetches its updates with getUpdates."""

from __future__ import annotations

from tests.helpers.app import running_app
from tests.standins import telegram_updates as updates

CHAT = 70_055_001


async def test_updates_fetched_by_long_polling_are_answered_once_and_confirmed(
    app_url_prereqs: None, rasa_url: str
) -> None:
    async with running_app(rasa_url, PUBLIC_BASE_URL="") as app:
        app.telegram.push_update(updates.text(55_001, CHAT, "/start", "en"))
        (welcome,) = await app.wait_for(lambda sent: len(sent) >= 1)
        assert welcome.params["chat_id"] == CHAT
        assert "Welcome to Dalil" in welcome.params["text"]

        # Telegram sends an update again until an offset confirms it; it is answered once.
        app.telegram.push_update(updates.text(55_001, CHAT, "/start", "en"))
        app.telegram.push_update(updates.text(55_002, CHAT, "/help", "en"))
        sent = await app.wait_for(lambda sent: len(sent) >= 2)
        assert "/language, /city, /forget" in sent[1].params["text"]

    methods = [call.method for call in app.telegram.calls]
    assert "setWebhook" not in methods
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    polls = [call for call in app.telegram.calls if call.method == "getUpdates"]
    offsets = [call.params.get("offset") for call in polls]
    assert 55_002 in offsets  # the first update confirmed
    assert 55_003 in offsets  # and the next
    assert len(app.telegram.sent()) == 2
