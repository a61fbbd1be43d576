"""Result cards as a person sees them: open now or when next, distance, narrowing the list.

The dialogue reads a fixed clock, moved across a closing time and a closure date; the
service is published through the listings service, as an association's edit would be.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Reply
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from services_directory.audit import Actor
from services_directory.listings import service as listings
from services_directory.listings.schemas import ServiceFields
from services_directory.search.service import distance_m
from tests.helpers.conversation import Conversation
from tests.helpers.dialogue import make_dialogue
from tests.standins.server import free_port

# Also on the `make run` default: SQLite and an embedded Redis.
pytestmark = pytest.mark.embedded_default

NAME = "Mariahilf walk-in clinic"
SHELTER = "Winter night shelter (November to March)"  # in Turin's sample
PLACE = (48.1990, 16.3500)  # where the clinic is
VIENNA = dt.timezone(dt.timedelta(hours=1))  # Central European Time in December


def vienna(day: int, hhmm: str) -> dt.datetime:
    """A moment of December 2026 in Vienna's local time (the clock gives it in UTC)."""
    local = dt.datetime.combine(dt.date(2026, 12, day), dt.time.fromisoformat(hhmm), VIENNA)
    return local.astimezone(dt.UTC)


@dataclass
class FixedClock:
    """The time the dialogue reads; a test moves it."""

    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def clinic(session: AsyncSession) -> str:
    """A paid clinic open on weekdays 09:00–13:00, closed on Tuesday 8 December (a holiday)."""
    fields = ServiceFields.model_validate(
        {
            "name": NAME,
            "category": "health",
            "is_free": False,
            "translations": {"en": {"name": NAME, "fees": "€10 a visit"}},
            "languages": ["en", "de"],
            "schedules": [
                {"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "13:00"},
                {
                    "byday": "MO,TU,WE,TH,FR,SA,SU",
                    "opens_at": "00:00",
                    "closes_at": "23:59",
                    "valid_from": "2026-12-08",
                    "valid_to": "2026-12-08",
                    "closed": True,
                },
            ],
            "location": {
                "city_id": "vienna",
                "address_1": "Gumpendorfer Straße 1",
                "district": "Mariahilf",
                "latitude": PLACE[0],
                "longitude": PLACE[1],
            },
        }
    )
    actor = Actor(None, "test")
    created = await listings.create_service(
        session, organization_id="vie-gesundheitspunkt-kastanienhof", fields=fields, actor=actor
    )
    await listings.transition(session, service=created, action="publish", actor=actor)
    await session.commit()  # the savepoint: the dialogue's sessions see it
    return created.id


@pytest.fixture
async def person(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[tuple[Conversation, FixedClock]]:
    """Someone in Vienna who pressed English, Vienna, then health; no NLU needed."""
    clock = FixedClock(vienna(7, "11:00"))  # Monday
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    conversation = Conversation(make_dialogue(sessions, redis, nlu, clock=clock))
    await conversation.say("/start")
    await conversation.press("lang:en")
    yield conversation, clock
    await nlu.aclose()


def cards(reply: Reply) -> dict[str, str]:
    """Return each numbered card of a results reply, by service name."""
    blocks = [b for b in reply.text.split("\n\n") if re.match(r"^\d+\. ", b)]
    return {block.split("\n")[0].split(". ", 1)[1]: block for block in blocks}


async def clinic_card(person: Conversation) -> str:
    """Show Vienna's health services and return the clinic's card, whichever page it is on."""
    if "cat:health" not in _offered(person):
        await person.press("menu")
    shown = cards(await person.press("cat:health"))
    while NAME not in shown and "more" in _offered(person):
        shown = cards(await person.press("more"))
    return shown[NAME]


def _offered(person: Conversation) -> set[str]:
    return {b.payload for reply in person.replies for row in reply.buttons for b in row}


async def test_a_card_says_until_when_it_is_open_and_when_it_opens_next(
    clinic: str, person: tuple[Conversation, FixedClock]
) -> None:
    conversation, clock = person
    await conversation.press("city:vienna")

    # Monday 11:00 in Vienna (10:00 UTC): open, and the card says until when.
    card = await clinic_card(conversation)
    assert "🕒 Mon–Fri 09:00–13:00" in card
    assert "🟢 Open now, until 13:00" in card

    clock.now = vienna(7, "12:59")
    assert "🟢 Open now, until 13:00" in await clinic_card(conversation)

    # At 13:00 it closes; Tuesday 8 December is closed, so it opens again on Wednesday.
    clock.now = vienna(7, "13:00")
    assert "🔴 Closed now, opens Wednesday at 09:00" in await clinic_card(conversation)

    # Early on a normal morning it opens the same day.
    clock.now = vienna(9, "07:15")
    assert "🔴 Closed now, opens today at 09:00" in await clinic_card(conversation)

    # Friday afternoon: the next opening is after the weekend.
    clock.now = vienna(11, "16:00")
    assert "🔴 Closed now, opens Monday at 09:00" in await clinic_card(conversation)

    # The day before the holiday, in the evening: not tomorrow, the day after.
    clock.now = vienna(7, "20:00")
    assert "opens Wednesday at 09:00" in await clinic_card(conversation)
    clock.now = vienna(8, "20:00")
    assert "🔴 Closed now, opens tomorrow at 09:00" in await clinic_card(conversation)


async def test_the_card_in_french_uses_french_days(
    clinic: str, person: tuple[Conversation, FixedClock]
) -> None:
    conversation, clock = person
    await conversation.say("/language")
    await conversation.press("lang:fr")
    clock.now = vienna(11, "16:00")
    await conversation.press("city:vienna")
    reply = await conversation.press("cat:health")
    shown = cards(reply)
    while NAME not in shown:
        shown = cards(await conversation.press("more"))
    assert "🔴 Fermé, ouvre lundi à 09:00" in shown[NAME]


async def test_sharing_a_location_shows_how_far_each_service_is(
    clinic: str, person: tuple[Conversation, FixedClock]
) -> None:
    conversation, _clock = person
    await conversation.press("city:vienna")
    await conversation.press("cat:health")
    await conversation.press("where")
    # 0.0108° of latitude north of the clinic: 1.2 km.
    here = (PLACE[0] + 0.0108, PLACE[1])
    reply = await conversation.share_location(*here)
    shown = cards(reply)
    assert next(iter(shown)) == NAME
    assert "🚶 1.2 km away" in shown[NAME]
    distances = [
        float(m.group(1)) * (1000 if m.group(2) == "km" else 1)
        for block in shown.values()
        if (m := re.search(r"🚶 ([\d.,]+) (km|m) away", block))
    ]
    assert len(distances) == len(shown)
    assert distances == sorted(distances)

    # Right next to it, the distance is in metres, rounded to ten.
    near = (PLACE[0], PLACE[1] + 0.003)
    assert round(distance_m(near, PLACE), -1) == 220
    await conversation.press("where")
    assert "🚶 220 m away" in cards(await conversation.share_location(*near))[NAME]


async def test_open_now_and_free_only_narrow_the_list_and_widen_it_again(
    clinic: str, person: tuple[Conversation, FixedClock]
) -> None:
    conversation, clock = person
    clock.now = vienna(7, "13:30")  # Monday: some places still open, the clinic closed
    await conversation.press("city:vienna")
    everything = await conversation.press("cat:health")
    total = int(re.search(r": (\d+) services", everything.text).group(1))  # type: ignore[union-attr]

    opened = await conversation.press("only:open")
    open_count = int(re.search(r": (\d+) services? open now", opened.text).group(1))  # type: ignore[union-attr]
    assert 0 < open_count < total
    assert all("🟢 Open now" in card for card in cards(opened).values())
    assert NAME not in cards(opened)
    assert "🕒 Any time" in [b.label for row in opened.buttons for b in row]

    both = await conversation.press("only:free")
    assert all("💶 Free" in card and "🟢 Open now" in card for card in cards(both).values())
    assert re.search(r": \d+ free services? open now", both.text)

    free = await conversation.press("only:open")  # open now off again, free only still on
    assert NAME not in cards(free)
    free_count = int(re.search(r": (\d+) free services?\n", free.text).group(1))  # type: ignore[union-attr]
    assert 0 < free_count < total
    widened = await conversation.press("only:free")
    assert f": {total} services\n" in widened.text

    # At night nothing is open: the list says so, names the service that opens first (the
    # sample's consultation opens at 08:30 on Tuesdays, the others at 09:00 or later), and
    # offers to widen it.
    clock.now = vienna(7, "23:30")
    night = await conversation.press("only:open")
    assert night.text == (
        "None of the services for 🩺 Health in Vienna is open now.\n\n"
        "The first to open: Free doctor's consultation without health insurance, "
        "tomorrow at 08:30.\n📞 +43 1 000 0011"
    )
    assert "only:open" in [b.payload for row in night.buttons for b in row]
    clock.now = vienna(8, "06:15")
    await conversation.press("only:open")
    dawn = await conversation.press("only:open")
    assert dawn.text.endswith("without health insurance, today at 08:30.\n📞 +43 1 000 0011")


async def test_a_night_shelter_reads_as_one_night_from_evening_to_morning(
    person: tuple[Conversation, FixedClock],
) -> None:
    # The sample lists Turin's night shelter as 19:30–23:59 and 00:00–08:00 every day: the
    # card said "00:00–08:00, 19:30–23:59", as if it were two openings.
    conversation, clock = person
    clock.now = vienna(7, "22:00")  # Turin keeps Vienna's time
    await conversation.press("city:turin")
    shown = cards(await conversation.press("cat:housing"))
    while SHELTER not in shown and "more" in _offered(conversation):
        shown = cards(await conversation.press("more"))
    assert "🕒 Mon–Sun 19:30–08:00\n" in shown[SHELTER]
    assert "🟢 Open now, until 08:00" in shown[SHELTER]
