"""Which services of a list a question's own words point to."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.search.service import search_services
from services_directory.search.words import languages_named, own, pointed, speaking, words

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


def test_a_word_with_the_persons_own_ending_is_the_word() -> None:
    # Turkish and Ukrainian put the ending on the word asked ("my insurance", "of
    # insurance"), English a plural: the service's word is the same word with another one.
    insured = {
        "without": own(["Sağlık sigortası olmadan doktor", "Безкоштовний лікар без страховки"]),
        "school": own(["Help to enrol children in school"]),
        "bus": own(["Comprobamos tus billetes de autobús"]),
    }
    assert pointed("sigortam yok", insured) == ["without"]
    assert pointed("де лікар без страховка", insured) == ["without"]
    assert pointed("schools for my children", insured) == ["school"]
    # A short word is never cut to a stub, and a cut word still takes a short ending only.
    assert pointed("compra", insured) == []
    assert pointed("comprar billete", insured) == ["bus"]


@pytest.mark.parametrize(
    "question",
    [
        "mon fils a 15 ans il doit aller à l'école",
        "where can my daughter go to school",
        "بنتي لازم تروح عالمدرسة",
        "nheb nsajel weldi fel madrsa",
        "мою доньку треба записати до школи",
    ],
)
def test_ones_own_child_points_where_children_do(question: str) -> None:
    # The services say "children" (in every locale they have); people say "my son".
    services = {
        "adults": own(["Reading and writing classes for adults", "Ateliers pour adultes"]),
        "school": own(["Help enrolling children in school", "Aide pour les enfants"]),
        "cafe": own(["Language café", "Café des langues"]),
    }
    assert pointed(question, services) == ["school"]


def test_a_turkish_word_with_its_consonant_softened_is_the_word() -> None:
    # "çocuğum" (my child) is "çocuk" with an ending: the homework club's "Çocuklar" was not
    # found.
    services = {
        "club": own(["Çocuklar için ödev yardımı ve öğrenme kulübü"]),
        "diplomas": own(["Yabancı diplomaların tanınması hakkında danışmanlık"]),
        "cafe": own(["Almanca sohbet kafesi"]),
    }
    assert pointed("çocuğum için okul arıyorum", services) == ["club"]
    assert pointed("kitabım yok", {"books": own(["Kitap ve defter yardımı"]), **services}) == [
        "books"
    ]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("do they speak arabic?", {"ar"}),
        ("Arapça konuşan var mı", {"ar"}),
        ("حدا بيحكي عربي", {"ar"}),
        ("¿hablan árabe?", {"ar"}),
        ("українською?", {"uk"}),
        ("spricht jemand Farsi", {"fa"}),
        ("کسی فارسی صحبت میکند", {"fa"}),
        ("qui parle wolof ou bambara", {"wo", "bm"}),
        ("i need a doctor", set()),
        ("the tour ticket", set()),
    ],
)
def test_a_language_is_named_in_any_of_our_languages(question: str, named: set[str]) -> None:
    assert languages_named(question) == named


def test_a_language_named_points_to_the_services_speaking_it_unless_all_do() -> None:
    spoken = {"circles": ("ar", "en"), "parcels": ("en", "pt"), "centre": ("ar", "pt")}
    assert speaking("do they speak arabic?", spoken) == ["circles", "centre"]
    assert speaking("do they speak portuguese?", {"parcels": ("pt",), "centre": ("pt",)}) == []
    assert speaking("where is it", spoken) == []


async def test_a_language_named_counts_only_where_no_word_points(session: AsyncSession) -> None:
    # "português" is a word of the courses: they come first, not every service speaking it.
    courses = await search_services(
        session, category=Category.EDUCATION, city_id="lisbon", locale="pt", limit=50,
        question="quero um curso de português",
    )  # fmt: skip
    assert courses.cards[0].name.startswith("Aulas de português")
    asked = await search_services(
        session, category=Category.SOCIAL_SUPPORT, city_id="lisbon", locale="en", limit=50,
        question="do they speak arabic?",
    )  # fmt: skip
    speak = [c.id for c in asked.cards if "ar" in c.languages]
    assert 0 < len(speak) < len(asked.cards)
    assert list(asked.pointed) == speak
    assert [c.id for c in asked.cards[: len(speak)]] == speak


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
        # "mon fils" is a child: the help with school enrolment for children, not the classes
        # for adults.
        (
            "lyon",
            Category.EDUCATION,
            "mon fils a 15 ans il doit aller à l'école mais on vient d'arriver",
            "lyo-education-3",
        ),
        # "çocuğuma" ("for my child") is the "çocuklar" of the free clothes.
        ("vienna", Category.SOCIAL_SUPPORT, "çocuğuma kıyafet lazım", "vie-social-5"),
        # "sigortam" ("my insurance") is the "sigortası" of the consultation without it.
        (
            "vienna",
            Category.HEALTH,
            "Viyana'dayım, doktora gitmem lazım ama sigortam yok",
            "vie-health-1",
        ),
        # Russian, the services written in Ukrainian: "врач" is "лікар", "жильё" "житло",
        # "еда" "їжа"; "нужен врач" pointed to nothing.
        ("lisbon", Category.HEALTH, "нужен врач", "lis-health-1"),
        ("lisbon", Category.HEALTH, "где больница", "lis-health-1"),
        ("madrid", Category.HEALTH, "нужен врач без документов", "mad-health-1"),
        ("vienna", Category.HOUSING, "нужно жильё", "vie-housing-3"),
        ("lisbon", Category.SOCIAL_SUPPORT, "нужна еда", "lis-social-5"),
        ("lisbon", Category.EDUCATION, "курсы языка", "lis-education-8"),
        # Arabizi and Finglish, the services written in Arabic and Persian letters: "tbib" is
        # "طبيب", "snan" (teeth) "اسنان", "emshab" (tonight) "امشب"; all pointed to nothing.
        ("tangier", Category.HEALTH, "bghit tbib snan", "tng-health-5"),
        ("tangier", Category.SOCIAL_SUPPORT, "bghit makla", "tng-social-support-2"),
        ("vienna", Category.HOUSING, "emshab ja nadaram bekhabam", "vie-housing-1"),
        # Tonight, to sleep: the services say "night" or "bed", in the languages they have
        # ("bu gece kalacak yerim yok" in Madrid, whose services have no Turkish, got advice
        # on rent first, the night shelter second).
        ("madrid", Category.HOUSING, "bu gece kalacak yerim yok", "mad-housing-1"),
        ("madrid", Category.HOUSING, "ce soir je dors où", "mad-housing-1"),
    ],
)
async def test_the_services_a_question_points_to_come_first(
    session: AsyncSession, city: str, category: Category, question: str, first: str
) -> None:
    plain = await search_services(session, category=category, city_id=city, locale="en", limit=50)
    assert plain.cards[0].id != first
    asked = await search_services(
        session, category=category, city_id=city, locale="en", question=question, limit=50
    )
    assert asked.pointed[0] == first
    assert asked.cards[0].id == first
    assert sorted(c.id for c in asked.cards) == sorted(c.id for c in plain.cards)
    # A next page is asked with the ids the first named, as the bot keeps them.
    second = await search_services(
        session, category=category, city_id=city, locale="en", first=asked.pointed, limit=50
    )
    assert [c.id for c in second.cards] == [c.id for c in asked.cards]
    assert second.pointed == ()


async def test_a_question_reads_its_list_once(session: AsyncSession) -> None:
    # The words and the page come from one look at the city and category: one read of its
    # token, where working out the pointed services apart read it a second time.
    await search_services(session, category=Category.SOCIAL_SUPPORT, city_id="vienna", locale="en")
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))  # (connection, cursor, statement, ...)

    engine = session.bind.engine.sync_engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", record)
    try:
        asked = await search_services(
            session,
            category=Category.SOCIAL_SUPPORT,
            city_id="vienna",
            locale="en",
            question="wo gibt es warmes essen in wien",
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert asked.pointed[0] == "vie-social-7"
    assert sum("FROM search_group" in statement for statement in seen) == 1


def test_turkish_typed_without_its_letters_is_the_word() -> None:
    # A QA pass: "siginak lazim" (a shelter, typed without "ı") pointed to nothing; "ş", "ğ",
    # "ç" lose their marks as accents do, "ı" is a letter of its own.
    services = {
        "shelter": own(["Kadınlar ve çocukları için güvenli sığınak"]),
        "advice": own(["Ev bulma ve kiracı hakları hakkında danışmanlık"]),
        "lunch": own(["Herkes için sıcak öğle yemeği"]),
    }
    assert pointed("siginak lazim", services) == ["shelter"]
    assert pointed("kiraci haklari", services) == ["advice"]
    assert pointed("SICAK yemek", services) == ["lunch"]
