"""`/metrics` counts what flows through the app, and never who."""

from __future__ import annotations

import asyncio

from prometheus_client.parser import text_string_to_metric_families

from tests.helpers.app import Running, running_app
from tests.standins import telegram_updates as updates

CHAT = 70020001


async def _samples(app: Running) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await app.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_counters_move_after_a_conversation(app_url_prereqs: None, rasa_url: str) -> None:
    async with running_app(rasa_url) as app:
        before = await _samples(app)
        update = updates.text(9101, CHAT, "where can I see a doctor in Tangier?")
        assert (await app.post_update(update)).status_code == 200
        await app.wait_for(lambda sent: len(sent) >= 1)
        press = updates.button(9102, CHAT, "more")
        assert (await app.post_update(press)).status_code == 200
        await app.wait_for(lambda sent: len(sent) >= 2)
        await app.http.get("/no/such/page")
        # The sender counts a message once its acknowledgement is written, just after the
        # platform accepted it: wait for that, as a scraper would see it.
        sent_key = ("dalil_messages_out_total", (("channel", "telegram"), ("outcome", "sent")))
        for _ in range(100):
            after = await _samples(app)
            if after.get(sent_key, 0.0) - before.get(sent_key, 0.0) >= 2:
                break
            await asyncio.sleep(0.1)
        text = (await app.http.get("/metrics")).text

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("dalil_messages_in_total", channel="telegram") == 2
    assert moved("dalil_messages_out_total", channel="telegram", outcome="sent") == 2
    assert moved("dalil_webhook_to_send_seconds_count", channel="telegram") == 2
    assert moved("dalil_nlu_parses_total", outcome="understood") == 1  # the button needs none
    assert moved("dalil_nlu_parse_seconds_count", cached="no") == 1
    route = {"route": "/webhooks/telegram", "method": "POST", "status": "200"}
    assert moved("dalil_http_requests_total", **route) == 2
    assert moved("dalil_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert after[("dalil_stream_pending", (("stream", "inbound"),))] == 0
    assert ("dalil_stream_length", (("stream", "outbound:dead"),)) in after
    # Nothing about the person: not the chat, not the words.
    assert str(CHAT) not in text
    assert "doctor" not in text
    assert "/no/such/page" not in text
