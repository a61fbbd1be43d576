"""After the results: nearest to me, was it useful, and what to do when there is nothing."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue
from bot.messages import Reply
from bot.state import StateStore
from bot.telegram.parse import to_incoming
from bot.whatsapp.render import render as whatsapp_render
from core.unmet import UnmetQuestion
from core.usage import UsageEvent
from nlu.client import NLUClient
from services_directory.audit import Actor
from services_directory.listings import service as listings
from services_directory.listings.models import (
    Location,
    Service,
    ServiceAtLocation,
)
from tests.helpers.conversation import Conversation, answering_desk, listed, payloads
from tests.helpers.settings import PSEUDONYM_KEY

MEDINA = (35.7860, -5.8130)  # Tangier


async def _listed(
    dialogue: Dialogue, language: str, category: str, city: str
) -> tuple[Conversation, Reply]:
    """Return a person who chose a topic and then a city, and the list they were shown."""
    person = Conversation(dialogue, language_hint=language)
    await person.say("/help")
    await person.press(f"cat:{category}")
    return person, await person.press(f"city:{city}")


async def test_nearest_to_me_asks_for_the_location_then_lists_the_nearest(
    dialogue_without_nlu: Dialogue,
) -> None:
    person, results = await _listed(dialogue_without_nlu, "en", "health", "tangier")
    asked = await person.press("where")
    assert asked.location_request == "📍 Send my location"
    assert asked.buttons == ()
    assert "do not keep it" in asked.text
    nearest = await person.share_location(*MEDINA)
    assert nearest.text.startswith("🩺 Health in Tangier:")
    assert listed(nearest)
    assert listed(nearest) != listed(results)


async def test_a_telegram_location_message_is_a_location() -> None:
    update = {
        "update_id": 9001,
        "message": {
            "message_id": 7, "date": 1764100000,
            "chat": {"id": 5550001, "type": "private"},
            "from": {"id": 5550001, "is_bot": False, "first_name": "A", "language_code": "ar"},
            "location": {"latitude": 35.786, "longitude": -5.813},
        },
    }  # fmt: skip
    message = to_incoming(update)
    assert message is not None
    assert message.kind == "location"
    assert (message.latitude, message.longitude) == (35.786, -5.813)


async def test_feedback_is_recorded_without_anything_that_identifies_the_person(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    person, results = await _listed(dialogue_without_nlu, "fr", "legal", "lyon")
    assert {"fb:up", "fb:down"} <= set(payloads(results))
    thanks = await person.press("fb:down")
    assert thanks.text == "Merci ! Cela nous aide à améliorer Dalil."
    # The same list rated again, either way: thanked, counted once.
    for again in ("fb:down", "fb:up"):
        thanked = await person.press_earlier(again)
        assert thanked.text == "Merci ! Cela nous aide à améliorer Dalil."
    event = (
        await session.scalars(select(UsageEvent).where(UsageEvent.outcome == "feedback"))
    ).one()
    assert (event.feedback, event.category, event.city, event.language) == (
        "down", "legal", "lyon", "fr",
    )  # fmt: skip


async def _archive(session: AsyncSession, city: str, category: str) -> None:
    ids = await session.scalars(
        select(Service.id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(Location.city_id == city, Service.category == category)
    )
    for service_id in ids.all():
        service = await listings.get_service(session, service_id, for_update=True)
        assert service is not None
        await listings.transition(
            session, service=service, action="archive", actor=Actor(None, "test")
        )


async def test_no_result_offers_the_nearest_cities_and_the_topics_that_have_some(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    await _archive(session, "tangier", "mobility")
    person = Conversation(dialogue_without_nlu, language_hint="en")
    await person.say("/help")
    await person.press("cat:mobility")
    nothing = await person.press("city:tangier")
    assert nothing.text.startswith("I have no services for 🚌 Transport in Tangier yet.")
    offered = payloads(nothing)
    cities = [p for p in offered if p.startswith("city:")]
    assert cities
    assert "city:tangier" not in cities
    assert len(cities) <= 2
    assert "cat:health" in offered
    assert "cat:mobility" not in offered
    assert offered[-2:] == ["human", "emergency"], "a person, when the directory has nothing"
    elsewhere = await person.press(cities[0])
    assert elsewhere.text.startswith("🚌 Transport in ")
    no_result = (
        await session.scalars(select(UsageEvent).where(UsageEvent.outcome == "no_result"))
    ).one()
    assert (no_result.category, no_result.city) == ("mobility", "tangier")


async def test_a_city_offered_after_an_emptied_page_lists_from_the_first_result(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    person, _ = await _listed(dialogue_without_nlu, "en", "legal", "lyon")
    await _archive(session, "lyon", "legal")  # while the person reads the first page
    nothing = await person.press("more")
    assert nothing.text.startswith("I have no services for ⚖️ Legal help in Lyon yet.")
    city = next(p for p in payloads(nothing) if p.startswith("city:"))
    elsewhere = await person.press(city)
    assert elsewhere.text.startswith("⚖️ Legal help in ")
    assert listed(elsewhere)[0][0] == 1, "the new city starts at its first page"


async def test_a_question_not_understood_is_kept_scrubbed_only_when_the_city_chose_to(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient, session: AsyncSession
) -> None:
    question = "what is the best recipe for a birthday cake, call me on +33 6 12 34 56 78"
    for keep in (False, True):
        dialogue = Dialogue(
            sessions=sessions, states=StateStore(redis, ttl_s=60), nlu=nlu,
            pseudonym_key=PSEUDONYM_KEY.encode(),
            keep_unmet_questions=keep,
        )  # fmt: skip
        reply = await Conversation(dialogue, chat_id=f"55501{keep:d}").say(question)
        assert "cat:health" in payloads(reply)
    kept = (await session.scalars(select(UnmetQuestion.text))).all()
    assert len(kept) == 1
    assert "recipe" in kept[0]
    assert "12 34 56 78" not in kept[0]
    assert "[phone]" in kept[0]


async def test_each_list_of_results_is_rated_once_and_nothing_without_one(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue_without_nlu, chat_id="5550477", language_hint="en")
    await person.say("/start")
    for _ in range(3):
        await person.press_earlier("fb:down")  # sent by hand: no list of results yet
    assert await _ratings(session) == []
    person, _listing = await _listed(dialogue_without_nlu, "fr", "legal", "lyon")
    await person.press("fb:up")
    await person.press_earlier("fb:up")
    # A new list (another topic, from the menu under the thanks) can be rated again.
    again = await person.press("cat:health")
    assert "fb:down" in payloads(again)
    await person.press("fb:down")
    assert sorted(str(rating) for rating in await _ratings(session)) == ["down", "up"]


async def _ratings(session: AsyncSession) -> list[str | None]:
    found = await session.scalars(
        select(UsageEvent.feedback).where(UsageEvent.outcome == "feedback")
    )
    return list(found.all())


async def test_the_same_question_again_offers_a_person_under_the_same_list(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    # Asked three times because the list did not help, the same long list came back three
    # times, with no way to a person under it.
    await answering_desk(
        session, organization=("org-turin-casa", "Sportello Casa"), city="turin",
        category="housing",
    )  # fmt: skip
    person = Conversation(dialogue, chat_id="5550478", language_hint="it")
    first = await person.say("cerco casa a Torino")
    assert first.text.startswith("🏠 Casa a Torino:")
    assert "human" not in payloads(first)
    for _ in range(2):
        again = await person.say("cerco casa a Torino")
        assert again.text.startswith("🏠 Casa a Torino:")
        assert listed(again) == listed(first)
        assert again.text.endswith(
            "Se questi servizi non ti aiutano, puoi scrivere a una persona: premi 🙋 qui sotto."
        )
        assert payloads(again)[:2] == ["more", "human"]
    offer = await person.press("human")
    assert "Sportello Casa" in offer.text
    assert "human:yes:housing" in payloads(offer)

    # Where no association answers the topic, the same list again promises nobody.
    await person.say("cerco lavoro a Torino")
    work = await person.say("cerco lavoro a Torino")
    assert work.text.startswith("💼 Lavoro a Torino:")
    assert "human" not in payloads(work)
    assert "🙋" not in work.text


async def test_thumbs_down_offers_a_person_where_an_association_answers_the_topic(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    # 👎 got "Thank you!" and the menu, while "that did not help" typed offered a person.
    await answering_desk(
        session, organization=("org-turin-casa", "Sportello Casa"), city="turin",
        category="housing",
    )  # fmt: skip
    person, _housing = await _listed(dialogue_without_nlu, "it", "housing", "turin")
    sorry = await person.press("fb:down")
    assert payloads(sorry) == ["human", "menu", "emergency"]
    assert sorry.text.endswith("premi 🙋 qui sotto.")
    assert await _ratings(session) == ["down"]
    # Where nobody answers the topic, the thanks and the menu, as before.
    await person.press("menu")
    await person.press("cat:jobs")
    thanks = await person.press("fb:down")
    assert thanks.text == "Grazie! Questo ci aiuta a migliorare Dalil."
    assert "cat:health" in payloads(thanks)


async def test_the_citys_name_points_to_no_one_service(dialogue: Dialogue) -> None:
    # "I need food in Lisbon" listed the talking circles ("... in Lisbon") first: the city's
    # name was taken for a word of the question, pointing to the one service that says it.
    person = Conversation(dialogue, language_hint="en")
    food = await person.say("I need food in Lisbon")
    assert food.text.startswith("🤝 Food and support in Lisbon:")
    assert listed(food)[0] == (1, "Food parcels")


async def test_the_other_needs_button_with_every_step_still_fits_one_whatsapp_list(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    # "Hem iş hem de kalacak yer arıyorum" ("I am looking for a job and a place to stay
    # too"): the jobs, with the place to stay a button. Asked again where a person answers,
    # every step is there: ten rows, WhatsApp's most for one list.
    await answering_desk(
        session, organization=("org-vienna-arbeit", "Arbeit Jetzt"), city="vienna",
        category="jobs",
    )  # fmt: skip
    person = Conversation(dialogue, language_hint="tr")
    question = "Viyanadayım. Hem iş hem de kalacak yer arıyorum"
    jobs = await person.say(question)
    assert jobs.text.startswith("Viyana şehrinde 💼 İş:")
    assert payloads(jobs)[0] == "cat:housing"
    again = await person.say(question)
    assert payloads(again)[:3] == ["cat:housing", "more", "human"]
    (choices,) = [
        [row for section in m["interactive"]["action"]["sections"] for row in section["rows"]]
        for m in whatsapp_render(again)
        if m["type"] == "interactive"
    ]
    assert [row["id"] for row in choices] == payloads(again)
    assert len(choices) == 10
