"""Which services of a list a question's own words point to."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.search.service import pointed_services, search_services
from services_directory.search.words import own, pointed, words

TEXTS = {
    "counselling": ["Beratung für Frauen Wir hören zu, kostenlos", "Counselling for women, free"],
    "parcels": ["Lebensmittelpakete Jede Woche Brot und Gemüse, kostenlos", "Free food parcels"],
    "lunch": ["Warmes Mittagessen für alle", "Warm lunch for everyone"],
    "clothes": ["Kleider und Schuhe, kostenlos", "Free clothes and shoes"],
}
LIST = {service_id: own(texts) for service_id, texts in TEXTS.items()}


def test_a_compound_ending_with_the_word_asked_is_pointed_to() -> None:
    assert pointed("wo gibt es essen", LIST) == ["lunch"]


def test_a_word_with_an_ending_is_the_word_but_a_longer_one_is_not() -> None:
    tickets = {
        "card": own(["Billetes y abonos de transporte"]),
        "check": own(["Comprobamos tus papeles"]),
    }
    assert pointed("billete de bus", tickets) == ["card"]
    assert pointed("como compro un billete", tickets) == ["card"]  # not "comprobamos"


def test_more_words_of_the_question_come_first_ties_in_the_order_given() -> None:
    assert pointed("frauen brot", LIST) == ["counselling", "parcels"]
    assert pointed("schuhe und brot für frauen", LIST) == ["counselling", "parcels", "clothes"]
    assert pointed("kleider und schuhe", LIST) == ["clothes"]


def test_words_most_of_the_list_has_and_words_of_asking_point_to_nothing() -> None:
    # "kostenlos" is in three services of four; "I need", "where", "please" in none.
    assert pointed("kostenlos bitte", LIST) == []
    assert words("¿Dónde necesito, please?") == set()
    assert pointed("", LIST) == []
    assert pointed("essen", {}) == []


@pytest.mark.parametrize(
    ("city", "category", "question", "first"),
    [
        # Each was on the list, behind services that share no word with the question: the
        # lunch sixth, behind violence counselling.
        ("vienna", Category.SOCIAL_SUPPORT, "wo gibt es warmes essen in wien", "vie-social-7"),
        ("madrid", Category.MOBILITY, "como compro billete de bus en madrid", "mad-mobility-1"),
        ("lisbon", Category.EDUCATION, "quero matricular meu filho na escola", "lis-education-4"),
    ],
)
async def test_the_services_a_question_points_to_come_first(
    session: AsyncSession, city: str, category: Category, question: str, first: str
) -> None:
    plain = await search_services(session, category=category, city_id=city, locale="en", limit=50)
    assert plain.cards[0].id != first
    found = await pointed_services(session, category=category, city_id=city, question=question)
    assert found[0] == first
    page = await search_services(
        session, category=category, city_id=city, locale="en", first=found, limit=50
    )
    assert page.cards[0].id == first
    assert sorted(c.id for c in page.cards) == sorted(c.id for c in plain.cards)
