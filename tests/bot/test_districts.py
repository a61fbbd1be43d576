"""A district named in a question: its services first, then the rest of the city, and recorded.

Through the real Rasa server: the district comes from its `district` entity or the words.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue import Dialogue
from bot.messages import Reply
from core.usage import UsageEvent
from services_directory.listings.models import Location, Service, ServiceAtLocation
from tests.helpers.conversation import Conversation

# Also on the `make run` default: SQLite and an embedded Redis.
pytestmark = pytest.mark.embedded_default


async def district_count(session: AsyncSession, category: str, city: str, district: str) -> int:
    """Return how many published services of `category` the directory has in one district."""
    rows = await session.scalars(
        select(Service.id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            Service.category == category,
            Service.review_state == "published",
            Location.city_id == city,
            Location.district == district,
        )
    )
    return len(set(rows.all()))


def places(reply: Reply) -> list[str]:
    """Return the 📍 line of each card, in order."""
    return re.findall(r"^📍 (.+)$", reply.text, re.MULTILINE)


async def last_event(session: AsyncSession) -> UsageEvent:
    """Return the usage event the last answer recorded."""
    event = (await session.scalars(select(UsageEvent).order_by(UsageEvent.id.desc()))).first()
    assert event is not None
    return event


async def test_a_district_named_with_the_city_comes_first_and_is_recorded(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue, chat_id="7100001")
    reply = await person.say("I need a doctor in Simmering, Vienna")
    first = await district_count(session, "health", "vienna", "Simmering")
    assert 0 < first < 5  # some, and fewer than a page: the rest of the city follows
    shown = places(reply)
    assert all(p.endswith(", Simmering") for p in shown[:first]), shown
    assert not any(p.endswith(", Simmering") for p in shown[first:]), shown
    assert len(shown) == 5
    event = await last_event(session)
    assert (event.city, event.district, event.category, event.outcome) == (
        "vienna", "Simmering", "health", "results",
    )  # fmt: skip

    # The next page keeps the same order: nothing shown twice, nothing skipped.
    more = await person.press("more")
    assert not any(p.endswith(", Simmering") for p in places(more))
    assert (await last_event(session)).district == "Simmering"

    # A new question without a district lists the city as usual, and records none.
    plain = places(await person.say("I need a doctor in Vienna"))
    assert (await last_event(session)).district is None
    assert not all(p.endswith(", Simmering") for p in plain[:first]), plain


async def test_a_district_named_before_the_city_waits_for_the_city(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue, chat_id="7100002")
    ask = await person.say("my son is sick, is there a doctor in Simmering?")
    assert ask.text == "Which city are you in?"
    reply = await person.press("city:vienna")
    assert places(reply)[0].endswith(", Simmering")
    assert (await last_event(session)).district == "Simmering"


async def test_a_district_of_another_city_is_neither_used_nor_recorded(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    # La Guillotière is in Lyon: in Vienna it names no place the directory knows.
    person = Conversation(dialogue, chat_id="7100003")
    reply = await person.say("I need a doctor in Guillotière, Vienna")
    assert reply.text.startswith("🩺 Health in Vienna:")
    event = await last_event(session)
    assert (event.city, event.district) == ("vienna", None)


@pytest.mark.parametrize("asked", ["w f usera?", "y en Usera?"])
async def test_a_district_named_under_a_list_puts_its_services_first(
    dialogue: Dialogue, session: AsyncSession, asked: str
) -> None:
    # A QA pass: "chi haja f lavapies?" (anything in Lavapiés?) under Madrid's list got
    # "Sorry, I did not understand"; "fi lavapies?" got Madrid's food list.
    person = Conversation(dialogue, chat_id="7100004", language_hint="ar")
    doctors = await person.say("bghit tbib f madrid")
    isolated = "\u2068\u2069"  # around an address in a right-to-left answer
    assert not places(doctors)[0].strip(isolated).endswith(", Usera")
    again = await person.say(asked)
    assert again.text.split("\n", 1)[0] == doctors.text.split("\n", 1)[0]  # the same list
    assert places(again)[0].strip(isolated).endswith(", Usera")
    event = await last_event(session)
    assert (event.city, event.district, event.category) == ("madrid", "Usera", "health")
