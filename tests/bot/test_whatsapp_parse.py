"""WhatsApp notifications become the same IncomingMessage the Telegram channel produces."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.messages import IncomingMessage
from bot.whatsapp.parse import message_key, parse
from tests.standins import whatsapp_payloads as wa
from tests.standins.whatsapp_api import PHONE_NUMBER_ID


def _only(payload: Any) -> IncomingMessage:
    (inbound,) = parse(payload, phone_number_id=PHONE_NUMBER_ID).messages
    return inbound.message


@pytest.mark.parametrize("name", sorted(wa.MATRIX))
def test_every_payload_is_queued_as_its_kind_or_skipped(name: str) -> None:
    build, kind = wa.MATRIX[name]
    notification = parse(build(1), phone_number_id=PHONE_NUMBER_ID)
    assert [i.message.kind for i in notification.messages] == ([kind] if kind else [])
    if kind is None:
        assert notification.skipped
    for inbound in notification.messages:
        assert inbound.message.channel == "whatsapp"
        assert inbound.message.chat_id == wa.WA_ID
        assert inbound.message.message_id == message_key(wa.wamid(1))


def test_text_and_commands_read_like_telegram() -> None:
    text = _only(wa.text(1, "  I need a doctor  "))
    assert (text.kind, text.text) == ("text", "I need a doctor")
    command = _only(wa.text(2, "/forget"))
    assert (command.kind, command.text) == ("command", "/forget")
    assert _only(wa.text(3, "/")).kind == "text"


def test_the_caption_of_a_photo_is_read_as_what_the_person_wrote() -> None:
    message = _only(wa.image(1, caption="  my husband did this to me  "))
    assert (message.kind, message.text) == ("text", "my husband did this to me")
    assert message.media, "the answer says the photo itself is not seen"
    assert not _only(wa.text(3, "my husband did this to me")).media
    assert _only(wa.image(2, caption="  ")).kind == "unsupported"


def test_button_and_list_replies_carry_the_reply_id() -> None:
    assert _only(wa.button_reply(1, "cat:health")).payload == "cat:health"
    assert _only(wa.list_reply(2, "city:tangier")).payload == "city:tangier"
    assert _only(wa.template_button(3, "menu")).payload == "menu"


def test_a_location_carries_its_coordinates() -> None:
    message = _only(wa.location(1, 35.7767, -5.8039))
    assert (message.kind, message.latitude, message.longitude) == ("location", 35.7767, -5.8039)


@pytest.mark.parametrize("latitude", [91, "north", None, float("nan"), 10**400, True, [1]])
def test_a_broken_location_is_answered_as_unsupported(latitude: Any) -> None:
    payload = wa.location(1, 0, 0)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["location"]["latitude"] = latitude
    assert _only(payload).kind == "unsupported"


def test_the_wamid_is_not_kept_because_it_encodes_the_phone_number() -> None:
    message = _only(wa.text(1, "hello"))
    assert "wamid" not in message.to_json()
    assert message.message_id == message_key(wa.wamid(1)) != message_key(wa.wamid(2))


def test_several_messages_in_one_post() -> None:
    payload = wa.batch(wa.text(1, "hi"), wa.status(2, "read"), wa.button_reply(3, "emergency"))
    notification = parse(payload, phone_number_id=PHONE_NUMBER_ID)
    assert [i.message.kind for i in notification.messages] == ["text", "button"]
    assert notification.skipped == ["status"]


def test_the_send_time_opens_the_window_and_cannot_be_in_the_future() -> None:
    now = int(time.time())
    (old,) = parse(wa.text(1, "hi", sent_at=now - 3600), phone_number_id=PHONE_NUMBER_ID).messages
    assert old.sent_at == now - 3600
    late = parse(wa.text(2, "hi", sent_at=now + 99999), phone_number_id=PHONE_NUMBER_ID, now=now)
    assert late.messages[0].sent_at == now


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "text",
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": "x"},
        {"object": "whatsapp_business_account", "entry": [{"changes": [None, 3, {"value": []}]}]},
        wa.notification({"messages": [{"type": "text"}]}),
        wa.notification({"messages": [{"from": 212, "id": ["x"], "type": "text"}]}),
        wa.notification({"messages": "many", "statuses": {"a": 1}}),
        wa.notification({"messages": [{"from": "1", "id": "w", "type": ["interactive"]}]}),
        wa.notification(
            {"messages": [{"from": "1", "id": "w", "type": "interactive", "interactive": []}]}
        ),
    ],
)
def test_unexpected_shapes_are_skipped_without_an_error(payload: Any) -> None:
    notification = parse(payload, phone_number_id=PHONE_NUMBER_ID)
    assert all(i.message.kind == "unsupported" for i in notification.messages)


def test_old_queue_entries_without_coordinates_still_load() -> None:
    old = {
        "channel": "telegram",
        "chat_id": "5550001",
        "message_id": "9",
        "kind": "text",
        "text": "hi",
        "payload": "",
        "callback_id": None,
        "language_hint": "fr",
    }
    message = IncomingMessage.from_json(json.dumps(old))
    assert (message.latitude, message.longitude) == (None, None)
    newer = IncomingMessage.from_json(json.dumps({**old, "added_later": 1}))
    assert newer == message
    located = IncomingMessage("whatsapp", "1", "2", "location", latitude=1.5, longitude=-2.0)
    assert IncomingMessage.from_json(located.to_json()) == located
