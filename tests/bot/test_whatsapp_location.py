"""A shared location reaches the dialogue as a location: nearest services, never stored."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue import Dialogue
from services_directory.categories import Category
from services_directory.search.service import search_services
from tests.helpers.conversation import Conversation, listed, payloads

GRAND_SOCCO = (35.7836, -5.8132)  # Tangier
PARIS = (48.8566, 2.3522)  # no city served nearby


async def test_a_location_after_a_topic_lists_the_nearest_services(
    dialogue_without_nlu: Dialogue, session: AsyncSession, redis: Redis
) -> None:
    person = Conversation(dialogue_without_nlu, channel="whatsapp", language_hint="en")
    await person.say("/help")
    asked = await person.press("cat:health")
    assert "city:tangier" in payloads(asked)

    reply = await person.share_location(*GRAND_SOCCO)

    nearest = await search_services(
        session,
        category=Category.HEALTH,
        city_id="tangier",
        locale="en",
        language="en",
        near=GRAND_SOCCO,
    )
    assert [name for _, name in listed(reply)] == [card.name for card in nearest.cards]
    by_name = await search_services(
        session, category=Category.HEALTH, city_id="tangier", locale="en", language="en"
    )
    assert [c.name for c in nearest.cards] != [c.name for c in by_name.cards]  # the point counted
    assert reply.text.startswith("🩺 Health in Tangier:")
    assert "more" not in payloads(reply)  # the point is not kept, so no nearest-first page 2
    (state_key,) = await redis.keys("conv:*")
    stored = await redis.hgetall(state_key)
    assert stored["city"] == "tangier"
    assert not any("35.78" in value or "-5.81" in value for value in stored.values())


async def test_a_location_without_a_topic_sets_the_city_and_offers_the_menu(
    dialogue_without_nlu: Dialogue,
) -> None:
    person = Conversation(dialogue_without_nlu, channel="whatsapp", language_hint="fr")
    reply = await person.share_location(*GRAND_SOCCO)
    assert reply.text == "De quoi avez-vous besoin ?"
    assert "cat:health" in payloads(reply)
    results = await person.press("cat:health")
    assert results.text.startswith("🩺 Santé à Tanger")


async def test_a_location_far_from_every_city_asks_for_the_city(
    dialogue_without_nlu: Dialogue,
) -> None:
    person = Conversation(dialogue_without_nlu, channel="whatsapp", language_hint="en")
    reply = await person.share_location(*PARIS)
    assert reply.text == "Which city are you in?"
    assert "city:lyon" in payloads(reply)


async def test_a_location_after_the_emergency_numbers_narrows_them_to_the_city(
    dialogue_without_nlu: Dialogue,
) -> None:
    person = Conversation(dialogue_without_nlu, channel="whatsapp", language_hint="en")
    await person.say("/help")
    every_city = await person.press("emergency")
    assert "Tangier" in every_city.text
    assert "Lyon" in every_city.text
    reply = await person.share_location(*GRAND_SOCCO)
    assert "Lyon" not in reply.text
    assert "Police: 19" in reply.text.splitlines()
