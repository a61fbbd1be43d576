"""Words about the list on screen: "which one is the nearest?", "that did not help", and a
number typed for one of the topics of "Do you mean:". The real model reads every message."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue, choice_typed, followups, weekdays
from bot.dialogue.phrasebook import Phrasebook, named_number
from bot.i18n import translations
from bot.messages import Reply
from core.usage import UsageEvent
from nlu.client import NLUClient
from tests.helpers.conversation import Conversation, answering_desk, labels, listed, payloads
from tests.helpers.dialogue import make_dialogue

MADRID_SOL = (40.4169, -3.7035)  # Puerta del Sol


async def _ratings(session: AsyncSession) -> list[tuple[str | None, str | None]]:
    found = await session.execute(
        select(UsageEvent.category, UsageEvent.feedback).where(UsageEvent.outcome == "feedback")
    )
    return [(category, feedback) for category, feedback in found.all()]


@pytest.mark.parametrize(
    ("language", "question", "nearest"),
    [
        ("es", "busco un abogado en Madrid", "¿cuál es el más cercano?"),
        ("uk", "потрібен юрист у Мадриді", "який найближчий"),
    ],
)
async def test_which_one_is_the_nearest_asks_for_the_location_then_says_the_order(
    dialogue: Dialogue, language: str, question: str, nearest: str
) -> None:
    # "¿cuál es el más cercano?" under a list got "Sorry, I did not understand".
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    assert listed(results)
    assert "where" in payloads(results)

    asked = await person.say(nearest)
    assert asked.location_request == t.gettext("📍 Send my location")
    assert asked.text == t.gettext(
        "Tap the button below to send your location. I use it only to find the nearest "
        "services, and I do not keep it."
    )
    in_order = await person.share_location(*MADRID_SOL)
    assert listed(in_order)
    assert in_order.text.split(" ", 1)[0] == results.text.split(" ", 1)[0]  # the same topic

    # Asked again once the list is nearest first: it says so, and offers to send it again.
    said = await person.say(nearest)
    assert said.text == t.gettext(
        "The list is in order of distance from the location you sent: the first one is "
        "the nearest. Moved since? Send your location again."
    )
    assert not said.text.startswith("The list")  # translated, not the English
    assert said.location_request == t.gettext("📍 Send my location")


@pytest.mark.parametrize(
    ("language", "question", "nearest"),
    [
        # Each got "Sorry, I did not understand", and the last Vienna's lawyers.
        ("en", "i need a lawyer in lisbon", "nearest?"),
        ("pt", "preciso de um médico em Lisboa", "qual o mais perto?"),
        ("uk", "потрібен лікар у Лісабоні", "найближчий?"),
        ("uk", "нужен врач в Лиссабоне", "ближайший?"),
        ("uk", "potriben likar u Vidni", "naiblyzhche?"),
        # A QA pass: Lisbon's housing under its food, and "I did not understand".
        ("pt", "preciso de comida para os meus filhos em lisboa", "onde fica o mais perto?"),
        ("en", "i need food in lisbon", "which one is nearer?"),
        ("uk", "шукаю юриста у Відні", "де найближчий?"),
    ],
)
async def test_nearest_asked_in_a_word_asks_for_the_location(
    dialogue: Dialogue, language: str, question: str, nearest: str
) -> None:
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    assert listed(await person.say(question))
    asked = await person.say(nearest)
    assert asked.location_request == t.gettext("📍 Send my location")


async def test_that_did_not_help_is_the_lists_thumbs_down_and_offers_a_person(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    await answering_desk(
        session, organization=("org-madrid-ley", "Asesoría Migrante"), city="madrid",
        category="legal",
    )  # fmt: skip
    person = Conversation(dialogue, language_hint="es")
    await person.say("busco un abogado en Madrid")

    sorry = await person.say("no me sirve")
    assert sorry.text == (
        "Siento que esto no te haya ayudado. Una persona voluntaria de una asociación puede "
        "leer tu pregunta y responderte: pulsa 🙋 abajo."
    )
    assert payloads(sorry) == ["human", "menu", "emergency"]
    offer = await person.press("human")
    assert "Asesoría Migrante" in offer.text
    assert "human:yes:legal" in payloads(offer)

    # Said twice about one list, it counts once, as the 👎 button does; a new list again.
    await person.say("eso no me sirvió")
    assert await _ratings(session) == [("legal", "down")]
    await person.say("busco un abogado en Madrid")
    await person.say("eso no me sirvió")
    await person.say("no me sirve de nada")
    assert await _ratings(session) == [("legal", "down")] * 2


async def test_that_did_not_help_without_a_volunteer_asks_for_other_words(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    fr = translations("fr")
    person = Conversation(dialogue, language_hint="fr")
    await person.say("je cherche un travail à Lyon")
    sorry = await person.say("ça ne m'aide pas")
    assert sorry.text == fr.gettext(
        "Sorry this did not help. Tell me in other words what you need, or choose another topic:"
    )
    assert sorry.text.startswith("Désolé")
    assert "cat:jobs" in payloads(sorry)
    assert "human" in payloads(sorry)  # the menu's own way to a person stays
    assert await _ratings(session) == [("jobs", "down")]


async def test_arabic_that_did_not_help_is_answered_in_arabic(dialogue: Dialogue) -> None:
    ar = translations("ar")
    person = Conversation(dialogue, language_hint="ar")
    results = await person.say("أبحث عن محامي في طنجة")
    assert listed(results)
    sorry = await person.say("ما نفعني")
    assert sorry.text == ar.gettext(
        "Sorry this did not help. Tell me in other words what you need, or choose another topic:"
    )
    assert sorry.rtl


async def test_moroccan_arabizi_on_whatsapp_is_answered_in_arabic(dialogue: Dialogue) -> None:
    # "wach kayn chi wahd 9rib" and "walo ma nf3nich" under a list of jobs in Tangier got
    # "Sorry, I did not understand. Choose a topic:".
    ar = translations("ar")
    person = Conversation(dialogue, channel="whatsapp")
    results = await person.say("kifach nl9a khdma f tanja")
    assert listed(results)
    asked = await person.say("wach kayn chi wahd 9rib")
    assert asked.location_request == ar.gettext("📍 Send my location")
    sorry = await person.say("walo ma nf3nich")
    assert sorry.text == ar.gettext(
        "Sorry this did not help. Tell me in other words what you need, or choose another topic:"
    )
    assert sorry.rtl


@pytest.mark.parametrize(
    ("language", "question", "more"),
    [("es", "necesito un médico en Madrid", "mas"), ("fa", "دکتر در وین میخوام", "بیشتر")],
)
async def test_more_typed_under_a_list_is_its_next_page(
    dialogue: Dialogue, language: str, question: str, more: str
) -> None:
    # "mas" typed instead of pressing "Más resultados" got "Lo siento, no entendí".
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    assert "more" in payloads(results)
    rest = await person.say(more)
    assert listed(rest)[0][0] == 6
    assert rest.text.split(" ", 1)[0] == results.text.split(" ", 1)[0]  # the same topic


async def test_more_under_a_list_nearest_first_offers_the_whole_list(dialogue: Dialogue) -> None:
    # "más" under the list nearest a location got the model's guess: a list nearest first
    # has no next page (the point is not kept), so the whole list of the city is offered.
    es = translations("es")
    person = Conversation(dialogue, language_hint="es")
    await person.say("necesito un médico en Madrid")
    nearest = await person.share_location(*MADRID_SOL)
    assert "more" not in payloads(nearest)
    offered = await person.say("más")
    assert offered.text == es.gettext(
        "These are the nearest ones to the location you sent. For the whole list in the "
        "city, press the topic:"
    )
    assert offered.text.startswith("Estos")  # translated, not the English
    assert payloads(offered) == ["cat:health", "menu"]
    whole = await person.press("cat:health")
    assert [n for n, _ in listed(whole)] == [1, 2, 3, 4, 5]
    assert "more" in payloads(whole)
    rest = await person.say("más")
    assert listed(rest)[0][0] == 6


async def test_a_number_typed_under_a_list_shows_that_service_again(
    dialogue: Dialogue,
) -> None:
    # "2" under a list of lawyers got the help text: "Write what you need in your own words";
    # then "Number 2 is in the list above", scrolled away on a small screen.
    person = Conversation(dialogue, language_hint="fa")
    results = await person.say("وکیل برای پرونده پناهندگی در وین")
    assert [n for n, _ in listed(results)] == [1, 2, 3, 4, 5]
    second = results.text.split("\n\n")[2]
    assert second.startswith("2. ")
    for typed in ("2", "۲"):
        said = await person.say(typed)
        assert said.text == second
        assert "cat:legal" in payloads(said)
    # A number that is not on the list is not taken for one of it.
    other = await person.say("70")
    assert not other.text.startswith("70. ")


@pytest.mark.parametrize(
    ("language", "question", "asked"),
    [
        # Each got "Sorry, I did not understand" and the menu.
        ("en", "I need food in Lisbon", "when does number 2 open"),
        ("fr", "je cherche à manger à Lyon", "le numéro 2 c'est où ?"),
        ("tr", "Viyanada yemek yardımı arıyorum", "2 numara açık mı"),
        ("ar", "بدي اكل ببيروت", "الرقم ٢ وين؟"),
    ],
)
async def test_a_service_asked_about_by_its_number_shows_its_card_again(
    dialogue: Dialogue, language: str, question: str, asked: str
) -> None:
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    second = results.text.split("\n\n")[2]
    assert second.startswith(f"2. {listed(results)[1][1]}")
    said = await person.say(asked)
    assert said.text == second


@pytest.mark.parametrize(
    ("language", "question", "asked", "place"),
    [
        # "a que hora abre el primero" got the list of transport; the others "Sorry, I did not
        # understand" or another list.
        ("es", "necesito un medico en madrid, no tengo papeles", "a que hora abre el primero", 1),
        ("en", "I need food in Lisbon", "when does the second one open", 2),
        ("fr", "je cherche à manger à Lyon", "le deuxième, c'est où ?", 2),
        ("ar", "بدي اكل ببيروت", "الثاني وين", 2),
    ],
)
async def test_a_service_asked_about_by_its_place_shows_its_card_again(
    dialogue: Dialogue, language: str, question: str, asked: str, place: int
) -> None:
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    card = results.text.split("\n\n")[place]
    assert card.startswith(f"{place}. {listed(results)[place - 1][1]}")
    said = await person.say(asked)
    assert said.text == card


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a que hora abre el primero", 1),
        ("where is the second one", 2),
        ("when does the first one open?", 1),
        ("le deuxième, c'est où ?", 2),
        ("دومی کجاست", 2),
        ("ikincisi açık mı", 2),
        ("الثاني وين", 2),
        ("wo ist die zweite?", 2),
        ("es la primera vez que vengo a madrid", None),
        ("the first time I came here", None),
        ("first I need a doctor", None),
        ("el primero o el segundo?", None),
    ],
)
def test_a_place_named_in_a_sentence(text: str, place: int | None) -> None:
    assert choice_typed.ordinal_named(text) == place


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("when does number 2 open", 2),
        ("is nr. 5 free", 5),
        ("el número 4?", 4),
        ("n°3 c'est où", 3),
        ("номер 3 працює?", 3),
        ("شماره ۳ کجاست", 3),
        ("2 numaralı nerede", 2),
        ("I need 2 beds", None),
        ("no 2 people", None),
        ("number two", None),
    ],
)
def test_a_number_named_in_words(text: str, number: int | None) -> None:
    assert named_number(text) == number


async def test_a_number_of_another_page_of_the_list_shows_that_service(
    dialogue: Dialogue,
) -> None:
    # Madrid has six doctors. "2" on the second page got the help text; "7" was said to be
    # "in the list above".
    person = Conversation(dialogue, language_hint="es")
    first = await person.say("necesito un médico en Madrid")
    rest = await person.say("más")
    assert [n for n, _ in listed(rest)] == [6]
    assert (await person.say("2")).text == first.text.split("\n\n")[2]
    assert (await person.say("6")).text == rest.text.split("\n\n")[1]
    seventh = await person.say("7")
    assert not seventh.text.startswith("7. ")
    assert not listed(seventh)


@pytest.mark.parametrize(
    ("language", "question", "asked", "pressed"),
    [
        # Each got another topic's list, or "Sorry, I did not understand", or "Goodbye".
        ("it", "sto a torino non ho documenti, mi serve un medico", "e gratis?", "💶 Paid too"),
        ("tr", "viyanada doktor arıyorum", "ücretsiz mi?", "💶 Paid too"),
        ("fr", "je cherche un médecin à lyon", "et ouvert aujourd hui?", "🕒 Any time"),
        ("de", "wo gibt es essen kostenlos wien", "jetzt offen?", "🕒 Any time"),
        # "is it working now?" got Lisbon's lawyers under its doctors.
        ("uk", "потрібен лікар у Лісабоні", "чи працює зараз?", "🕒 Any time"),
        ("ar", "badde madrase la ibni b amman", "aya wa7ad mjane?", "💶 Paid too"),
        # "is there something free?" got "Sorry, I did not understand".
        ("uk", "мені потрібне житло у Лісабоні", "а є щось безкоштовне?", "💶 Paid too"),
        # Dari, "does it have a fee?", under Vienna's German classes.
        ("fa", "کلاس زبان آلمانی در وین میخواهم", "فیس دارد؟", "💶 Paid too"),
        # What it costs, asked plainly: "Sorry, I did not understand".
        ("ar", "أنا في تونس وأبحث عن عمل", "كم تكلف؟", "💶 Paid too"),
        ("fr", "je cherche un avocat à lyon", "c'est combien ?", "💶 Paid too"),
        ("de", "ich suche einen deutschkurs in wien", "wie viel kostet das?", "💶 Paid too"),
        ("tr", "viyanada avukat arıyorum", "kaç para?", "💶 Paid too"),
    ],
)
async def test_free_or_open_typed_under_a_list_is_its_button(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    nlu: NLUClient,
    language: str,
    question: str,
    asked: str,
    pressed: str,
) -> None:
    t = translations(language)
    # A Tuesday morning in Lyon and Vienna, when the sample's doctors and meals are open: in
    # the evening, "open now?" rightly narrows the list to none.
    morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
    dialogue = make_dialogue(sessions, redis, nlu, clock=lambda: morning)
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    assert listed(results)
    topic = next(p for p in payloads(results) if p.startswith("only:"))  # a list's buttons
    narrowed = await person.say(asked)
    # The same list, narrowed: its button now widens it back.
    assert t.gettext(pressed) in labels(narrowed)
    assert topic in payloads(narrowed)
    assert narrowed.text.split(" ", 1)[0] == results.text.split(" ", 1)[0]


async def test_open_now_the_model_reads_as_an_emergency_is_the_list_narrowed(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient
) -> None:
    # A QA pass: "acik mi simdi" ("open now?", Turkish without its letters) under Vienna's
    # doctors, which the model alone reads as an emergency (0.69), got the numbers and nothing
    # else; then the numbers, then the narrowed list. Its particle "mi" asks, and a question
    # needs the question bar (0.95) for the model's emergency: the narrowed list alone.
    morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
    dialogue = make_dialogue(sessions, redis, nlu, clock=lambda: morning)
    person = Conversation(dialogue, language_hint="tr")
    results = await person.say("viyanada doktor arıyorum")
    assert listed(results)
    narrowed = await person.say("acik mi simdi")
    assert len(person.replies) == 1
    assert translations("tr").gettext("🕒 Any time") in labels(narrowed)
    assert narrowed.text.split(" ", 1)[0] == results.text.split(" ", 1)[0]


async def test_open_now_told_that_the_model_reads_as_an_emergency_gets_the_numbers_then_the_list(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient
) -> None:
    # "відкрито зараз" ("open now") asks nothing in words, and the model alone reads an
    # emergency in it (0.61, 7 December 2026): the numbers stay first; the narrowed list
    # follows them.
    morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
    dialogue = make_dialogue(sessions, redis, nlu, clock=lambda: morning)
    person = Conversation(dialogue, language_hint="uk")
    results = await person.say("шукаю лікаря у Відні")
    assert listed(results)
    narrowed = await person.say("відкрито зараз")
    assert person.replies[-2].text.startswith("🚨")
    assert translations("uk").gettext("🕒 Any time") in labels(narrowed)
    assert narrowed.text.split(" ", 1)[0] == results.text.split(" ", 1)[0]


async def test_free_with_another_topic_named_is_that_topic(dialogue: Dialogue) -> None:
    es = translations("es")
    person = Conversation(dialogue, language_hint="es")
    doctors = await person.say("necesito un médico en Madrid")
    food = await person.say("comida gratis?")
    assert listed(food)
    assert food.text.split(" ", 1)[0] != doctors.text.split(" ", 1)[0]
    assert es.gettext("💶 Paid too") not in labels(food)


@pytest.mark.parametrize(
    ("language", "question", "asked"),
    [
        # "and where do they teach German for free?" under Vienna's jobs got the jobs again,
        # free ones only: the model is sure of schooling (0.98), and no word of the topic
        # lists said so.
        ("uk", "шукаю роботу у Відні", "а де вчать німецьку безкоштовно?"),
        ("de", "ich suche arbeit in wien", "und wo lerne ich Deutsch kostenlos?"),
    ],
)
async def test_free_asked_of_a_topic_the_model_is_sure_of_is_that_topic(
    dialogue: Dialogue, language: str, question: str, asked: str
) -> None:
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    jobs = await person.say(question)
    assert listed(jobs)
    assert jobs.text.startswith("💼")
    school = await person.say(asked)
    assert listed(school)
    assert school.text.startswith("📚")
    assert t.gettext("💶 Paid too") not in labels(school)


@pytest.mark.parametrize(("language", "okay"), [("en", "ok"), ("tr", "tamam"), ("fr", "d'accord")])
async def test_a_bare_ok_after_a_list_asks_what_else(
    dialogue: Dialogue, language: str, okay: str
) -> None:
    # "ok" and "tamam" got "Sorry, I did not understand. Choose a topic".
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    await person.say(
        {
            "en": "food bank in lyon",
            "tr": "lyon'da gıda bankası",
            "fr": "banque alimentaire a lyon",
        }[language]
    )
    said = await person.say(okay)
    assert said.text == t.gettext("Anything else? Write it or choose a topic:")
    assert "cat:health" in payloads(said)


async def test_a_need_or_danger_in_the_same_words_is_answered_as_one(
    dialogue: Dialogue,
) -> None:
    person = Conversation(dialogue, language_hint="en")
    await person.say("I need a lawyer in Madrid")
    # The nearest of another topic is that topic's list (the model is sure of it).
    pharmacy = await person.say("the nearest pharmacy please")
    assert pharmacy.text.startswith("🩺 Health in Madrid:")
    # Danger beside "none of these help" gets the numbers first.
    await person.say("none of these help, he is hitting me")
    assert person.replies[0].text.startswith("🚨")


@pytest.mark.parametrize(
    ("language", "question", "asked", "first"),
    [
        (
            "uk",
            "Добрий день, я у Відні з двома дітьми. Де можна безкоштовно вивчати німецьку?",
            "а для дітей?",
            "Допомога із записом дітей до школи",
        ),
        (
            "fr",
            "je cherche un cours de français à Lyon",
            "et pour les enfants ?",
            "Aide à l'inscription scolaire des enfants",
        ),
    ],
)
async def test_words_under_a_list_for_some_of_its_services_put_them_first(
    dialogue: Dialogue, language: str, question: str, asked: str, first: str
) -> None:
    # A QA pass: "а для дітей?" ("and for children?") under Vienna's courses got "Sorry, I
    # did not understand" and the menu.
    person = Conversation(dialogue, language_hint=language)
    courses = await person.say(question)
    assert listed(courses)[0][1] != first
    again = await person.say(asked)
    assert again.text.split("\n", 1)[0] == courses.text.split("\n", 1)[0]  # the same list
    assert listed(again)[0] == (1, first)


async def test_a_language_asked_under_a_list_puts_the_services_speaking_it_first(
    dialogue: Dialogue,
) -> None:
    # "do they speak arabic?" under Lisbon's food list got "Sorry, I did not understand".
    person = Conversation(dialogue, language_hint="en")
    food = await person.say("I need food in Lisbon")
    assert listed(food)[0] == (1, "Food parcels")
    again = await person.say("do they speak arabic?")
    arabic = ["Arabic" in spoken for spoken in re.findall(r"^🗣 (.+)$", again.text, re.M)]
    speaking = arabic.count(True)
    assert 0 < speaking < len(arabic)
    assert arabic == [True] * speaking + [False] * (len(arabic) - speaking)
    # The food parcels the first question pointed to come right after them.
    assert listed(again)[speaking] == (speaking + 1, "Food parcels")


async def test_a_person_asked_for_under_a_list_is_not_taken_for_its_services(
    dialogue: Dialogue,
) -> None:
    # "personne" is a word of Lyon's evening course ("pour les personnes qui travaillent").
    person = Conversation(dialogue, language_hint="fr")
    await person.say("je cherche un cours de français à Lyon")
    asked = await person.say("je veux parler à une personne")
    assert listed(asked) == []
    # Lyon's sample data has no volunteer for education: the handover's own answer.
    assert asked.text == translations("fr").gettext(
        "No association answers messages on this topic in {city} yet. Here is what I can do:"
    ).format(city="Lyon")


async def test_without_a_list_on_screen_the_words_are_not_taken_for_one(
    dialogue: Dialogue,
) -> None:
    fr = translations("fr")
    person = Conversation(dialogue, language_hint="fr")
    first = await person.say("le plus proche svp")
    assert first.location_request is None
    assert first.text != fr.gettext(
        "Sorry this did not help. Tell me in other words what you need, or choose another topic:"
    )


@pytest.mark.parametrize(
    "text",
    [
        "cual es el mas cercano",
        "which one is the nearest?",
        "hangisi en yakın",
        "ayhom a2rab",
        "کدوم نزدیک‌تره",
        # Persian's suffixes typed glued, with the zero-width joiner or after a space.
        "کدام نزدیکتر است",
        "کدوم نزدیک تره",
        "وين أقرب وحدة",  # Levantine, "where is the nearest one"
        "wach kayn chi wahd 9rib",  # Moroccan, "is there one near"
        "نزدیک ترین کدام است",
        "الأقرب؟",
        # From a QA pass, each answered "I did not understand" before.
        "cual es el mas cerca",
        "wein a2rab wa7ad",
    ],
)
def test_nearest_phrases_are_found(text: str) -> None:
    assert followups.NEAREST.found(text)
    assert not followups.NOT_HELPFUL.found(text)


@pytest.mark.parametrize(
    "text",
    [
        "that didn't help",
        "Ça m'aide pas !",
        "non mi aiuta",
        "hat nicht geholfen",
        "işime yaramadı",
        "це не допомогло",
        "کمکی نکرد",
        "mafadnich",
        "walo ma nf3nich",
        "no me ha servido",
        "ما استفدت شي",
        "هیچ‌کدام کمک نکرد",
        "no me sirvio",  # a QA pass: it got the help text
    ],
)
def test_not_helpful_phrases_are_found(text: str) -> None:
    assert followups.NOT_HELPFUL.found(text)
    assert not followups.NEAREST.found(text)


@pytest.mark.parametrize(
    "text",
    [
        "I need a doctor near me",
        "where is the nearest hospital",
        "el médico más cercano de mi casa",
        "no",
        "the next one please",
        "der nächste Termin",
        "I need more food for my children",
        # A long message with the words is a need, for the model to read.
        "none of these lawyers speak arabic and i need one who does for my papers please",
    ],
)
def test_needs_are_not_follow_ups(text: str) -> None:
    assert not followups.NEAREST.found(text)
    assert not followups.NEAREST_ALONE.said(text)
    assert not followups.NOT_HELPFUL.found(text)
    assert not followups.FREE.found(text)
    assert not followups.OPEN.found(text)
    assert not followups.MORE.found(text)


@pytest.mark.parametrize(
    ("text", "book"),
    [
        ("fama ekther?", followups.MORE),  # Tunisian: it got the food list, not page 2
        ("ce ne sono altri gratis?", followups.FREE),
        ("majani hast?", followups.FREE),
        ("wach fabor?", followups.FREE),
        ("في شي مفتوح هلق؟", followups.OPEN),
        ("tem algum aberto agora?", followups.OPEN),
        # A QA pass in Maghrebi, Levantine, Turkish and Persian as typed on a phone: each got
        # another topic's list, or "Sorry, I did not understand".
        ("aya wa7ad mjane?", followups.FREE),
        ("9adech soum?", followups.FREE),
        ("wach kayn chi blasa gratuite?", followups.FREE),
        ("parasiz mi?", followups.FREE),
        ("rayegan hast?", followups.FREE),
        ("wach ma7lol daba", followups.OPEN),
        ("chi wa7d qrib?", followups.NEAREST),
        ("fin kayn l9rib?", followups.NEAREST),
        ("hangisi bugün açık?", followups.OPEN),
        ("hangileri acik", followups.OPEN),
        # Levantine Arabizi: "fete7 halla2?" (open now?) got "Hello! What do you need?".
        ("fete7 halla2?", followups.OPEN),
        ("fet7in?", followups.OPEN),
        # Tunisian: "7al tawa?" (open now?) and "kifech nemchi lghadi?" (how do I go there?)
        # got "Sorry, I did not understand".
        ("7al tawa?", followups.OPEN),
        ("kifech nemchi lghadi?", followups.WAY_THERE),
        # Dari: "is it open now?", "how do I go there?" got the list again, another first.
        ("حالی باز است؟", followups.OPEN),
        ("چطور بروم آنجا؟", followups.WAY_THERE),
    ],
)
def test_what_a_qa_pass_typed_under_lists_is_found(text: str, book: Phrasebook) -> None:
    assert book.found(text)


@pytest.mark.parametrize("typed", ["the second", "دومی", "el segundo"])
async def test_a_place_typed_in_words_under_a_list_is_as_its_number(
    dialogue: Dialogue, typed: str
) -> None:
    # "el segundo" under a list got the emergency numbers (the model's, at 0.6), "the second"
    # "Sorry, I did not understand", and the list was gone.
    person = Conversation(dialogue, language_hint="fa")
    results = await person.say("وکیل برای پرونده پناهندگی در وین")
    second = results.text.split("\n\n")[2]
    assert second.startswith("2. ")
    said = await person.say(typed)
    assert said.text == second


def _hours(reply: Reply) -> list[str]:
    """Each card's opening hours line, in the order shown."""
    blocks = [b for b in reply.text.split("\n\n") if re.match(r"^\d+\. ", b)]
    return [next((line for line in b.split("\n") if line.startswith("🕒")), "") for b in blocks]


@pytest.mark.parametrize(
    ("language", "question", "asked", "weekend", "first"),
    [
        # "et le week-end ?" got the adults' French classes first, open on no weekend day:
        # its words matched their description.
        (
            "fr",
            "mon fils a 15 ans il doit aller à l'école à Lyon",
            "et le week-end ?",
            ("sam.", "dim."),
            "Aide à l'inscription scolaire des enfants",
        ),
        # Jordan's weekend is Friday and Saturday.
        ("ar", "بدي محامي في عمان", "وفي الويكند؟", ("الجمعة", "السبت"), None),
        ("de", "Ich suche einen Deutschkurs in Wien", "auch am Samstag?", ("Sa.",), None),
    ],
)
async def test_days_named_under_a_list_put_the_services_open_then_first(
    dialogue: Dialogue,
    language: str,
    question: str,
    asked: str,
    weekend: tuple[str, ...],
    first: str | None,
) -> None:
    person = Conversation(dialogue, language_hint=language)
    await person.say(question)
    said = await person.say(asked)
    opens = [any(day in hours for day in weekend) for hours in _hours(said)]
    assert opens[0]
    assert opens == sorted(opens, reverse=True)  # those open then, then the others
    if first is not None:
        assert listed(said)[0][1] == first


async def test_days_on_which_none_of_the_list_opens_are_said(dialogue: Dialogue) -> None:
    person = Conversation(dialogue, language_hint="en")
    await person.say("I need a doctor in Vienna")
    said = await person.say("and on Sunday?")
    assert said.text == "None of the services for 🩺 Health in Vienna opens on these days: Sunday."


# A Saturday at three in the afternoon in Madrid: of its shelters, the one open day and night
# and the night shelter from 20:00 open tonight; the others are weekday offices.
SATURDAY_AFTERNOON = dt.datetime(2026, 12, 12, 14, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "question", "asked"),
    [
        # The same list again, in the order it had.
        ("en", "i need a room to rent in madrid", "is any of them open tonight?"),
        # "open" alone narrowed the list to those open at three in the afternoon.
        ("es", "dormimos en la calle en madrid", "abierto esta noche?"),
        ("tr", "madridde kalacak yer ariyorum", "bu gece acik mi?"),
        ("ar", "بدي ملجأ في مدريد", "شو مفتوح الليلة؟"),
    ],
)
async def test_tonight_under_a_list_puts_the_services_open_tonight_first(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    nlu: NLUClient,
    language: str,
    question: str,
    asked: str,
) -> None:
    dialogue = make_dialogue(sessions, redis, nlu, clock=lambda: SATURDAY_AFTERNOON)
    person = Conversation(dialogue, language_hint=language)
    shelters = await person.say(question)
    assert listed(shelters)
    said = await person.say(asked)
    assert said.text.split(" ", 1)[0] == shelters.text.split(" ", 1)[0]  # the same topic
    # First the night shelter (20:00 to 09:00) and the one open day and night (no hours).
    hours = _hours(said)
    nights = [bool(re.search("20:00–0?9:00", line)) for line in hours]
    assert sorted(nights[:2]) == [False, True]
    assert not any(re.search(r"\d:\d\d", line) for line in hours[:2] if "20:00" not in line)
    assert not any(nights[2:])
    assert len(listed(said)) == len(listed(shelters))  # all of them, not only those


async def test_tonight_when_none_of_the_list_opens_is_said(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient
) -> None:
    dialogue = make_dialogue(sessions, redis, nlu, clock=lambda: SATURDAY_AFTERNOON)
    person = Conversation(dialogue, language_hint="es")
    await person.say("necesito un abogado en Madrid")
    said = await person.say("y esta noche?")
    assert said.text == ("Ninguno de los servicios de ⚖️ Ayuda legal en Madrid abre esta noche.")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("ouvert ce soir ?", True),
        ("heute Nacht offen?", True),
        ("امشب کجا بخوابم", True),
        ("fin n3es had lila", True),
        ("сьогодні ввечері працює?", True),
        ("is it open now?", False),
        ("the nightlife in Lisbon", False),
        ("et le week-end ?", False),
        # Good night is goodbye.
        ("شب بخیر", False),
        ("iyi geceler", False),
        ("lila sa3ida", False),
        ("bonne nuit", False),
    ],
)
def test_tonight_is_named(text: str, named: bool) -> None:
    assert weekdays.tonight(text) is named


@pytest.mark.parametrize(
    ("text", "country", "days"),
    [
        ("et le week-end ?", "FR", ("SA", "SU")),
        ("وفي الويكند؟", "JO", ("FR", "SA")),
        ("am Samstag?", "AT", ("SA",)),
        ("los sábados abren?", "ES", ("SA",)),
        ("nhar sebt m7loul?", "MA", ("SA",)),
        ("یک شنبه باز است؟", "AT", ("SU",)),
        ("یکشنبه", "AT", ("SU",)),
        ("شنبه", "AT", ("SA",)),
        ("pazartesi açık mı", "AT", ("MO",)),
        ("pazar açık mı", "AT", ("SU",)),
        ("в суботу працює?", "AT", ("SA",)),
        ("saturday or sunday", "PT", ("SA", "SU")),
        ("la segunda", "PT", ()),
        ("is it free", "PT", ()),
    ],
)
def test_the_days_a_message_names(text: str, country: str, days: tuple[str, ...]) -> None:
    assert weekdays.named(text, country) == days


@pytest.mark.parametrize(
    ("language", "myth"),
    [
        # A QA pass: under Vienna's doctors, "fluchtlinge bekommen alles umsonst" (refugees
        # get everything for free, a myth) got "None of the free services is open now".
        ("de", "fluchtlinge bekommen alles umsonst"),
        ("uk", "біженці отримують все безкоштовно"),
    ],
)
async def test_a_myth_about_free_things_under_a_list_is_a_myth_not_free_only(
    dialogue: Dialogue, language: str, myth: str
) -> None:
    person = Conversation(dialogue, language_hint=language)
    await person.say("/start")
    await person.press(f"lang:{language}")
    await person.press("city:vienna")
    assert listed(await person.press("cat:health"))
    fact = await person.say(myth)
    assert fact.text.startswith(translations(language).gettext("❌ Myth: {myth}").split("{")[0])
    # Free only, asked in words, is still the list's filter ("nur kostenlose" only put the
    # services saying "kostenlos" first).
    free = await person.say({"de": "nur kostenlose", "uk": "тільки безкоштовні"}[language])
    assert free.text.startswith(translations(language).gettext("🩺 Health"))
    assert translations(language).gettext("💶 Paid too") in labels(free)


def _at_night_in_vienna() -> dt.datetime:
    """Monday 7 December 2026, 23:30 in Vienna: none of its sample services is open."""
    return dt.datetime(2026, 12, 7, 22, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "when", "number"),
    [
        # A QA pass: under "None of the services is open now", "wann macht die erste auf"
        # (when does the first open) got the same line again, "wann offnen sie" the help.
        ("de", "wann offnen sie", "wann macht nummer 3 auf"),
        ("it", "a che ora aprono?", "quando apre il numero 3"),
        ("uk", "коли відкриваються?", "коли відкривається номер 3"),
    ],
)
async def test_when_they_open_under_none_open_now_shows_when_each_opens(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient,
    language: str, when: str, number: str,
) -> None:  # fmt: skip
    t = translations(language)
    dialogue = make_dialogue(sessions, redis, nlu, clock=_at_night_in_vienna)
    person = Conversation(dialogue, language_hint=language)
    await person.say("/start")
    await person.press(f"lang:{language}")
    await person.press("city:vienna")
    shown = await person.press("cat:health")
    third = next(name for place, name in listed(shown) if place == 3)
    none_open = await person.press("only:open")
    assert not listed(none_open)
    card = await person.say(number)
    assert third in card.text
    again = await person.say(when)
    assert listed(again)
    assert t.gettext("🕒 Open now") in labels(again)  # the filter is off: each card says when


async def test_which_are_open_in_ukrainian_is_open_now(dialogue: Dialogue) -> None:
    # A QA pass: "які відкриті зараз" under Vienna's doctors only put some services first.
    t = translations("uk")
    person = Conversation(dialogue, language_hint="uk")
    await person.say("/start")
    await person.press("lang:uk")
    await person.press("city:vienna")
    await person.press("cat:health")
    assert t.gettext("🕒 Any time") in labels(await person.say("які відкриті зараз"))


async def test_where_is_the_nearest_in_german_asks_for_the_location(dialogue: Dialogue) -> None:
    # A QA pass: "wo ist die nachste" under Vienna's doctors only put some services first.
    t = translations("de")
    person = Conversation(dialogue, language_hint="de")
    await person.say("/start")
    await person.press("lang:de")
    await person.press("city:vienna")
    await person.press("cat:health")
    asked = await person.say("wo ist die nachste")
    assert asked.location_request == t.gettext("📍 Send my location")


@pytest.mark.parametrize(
    ("language", "need", "asked", "arabic"),
    [
        # A QA pass: the model sure of a question about the bot (0.85, 0.87): the help text.
        ("it", "cerco cibo a lisbona", "parlano arabo?", "arabo"),
        ("es", "necesito comida en lisboa", "hablan árabe?", "árabe"),
    ],
)
async def test_a_language_asked_under_a_list_is_not_a_question_about_the_bot(
    dialogue: Dialogue, language: str, need: str, asked: str, arabic: str
) -> None:
    person = Conversation(dialogue, language_hint=language)
    food = await person.say(need)
    assert listed(food)
    again = await person.say(asked)
    assert again.text.split("\n", 1)[0] == food.text.split("\n", 1)[0]  # the same list
    first = re.findall(r"^🗣 (.+)$", again.text, re.M)[0]
    assert arabic in first.casefold()


@pytest.mark.parametrize(
    ("language", "question", "first", "asked"),
    [
        # A QA pass: under the card of the first service alone, "is it open now?" got the whole
        # list narrowed, naming another service as the first to open, and "how do I get
        # there?" the list of transport or "Sorry, I did not understand".
        ("en", "I need a doctor in Vienna, I have no papers", "the first one",
         ("is it open now?", "how do I get there?", "is it free?")),
        ("fa", "من در وین هستم و مدارک ندارم، دکتر لازم دارم", "اولی",
         ("الان بازه؟", "چطوری برم اونجا؟", "آدرسش کجاست")),
        ("tr", "viyanadayim kagidim yok doktor lazim", "ilki",
         ("simdi acik mi", "oraya nasil giderim")),
        ("ar", "ana f tanja, bghit tbib ma3andich lwra9", "lowel",
         ("wach m7loul daba?", "kifach nwsel lih?")),
        ("es", "necesito un medico en madrid, no tengo papeles", "el primero",
         ("¿está abierto ahora?", "¿cómo llego?")),
    ],
)  # fmt: skip
async def test_open_now_or_the_way_there_under_one_service_s_card_is_that_card(
    dialogue: Dialogue, language: str, question: str, first: str, asked: tuple[str, ...]
) -> None:
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    card = results.text.split("\n\n")[1]
    assert card.startswith(f"1. {listed(results)[0][1]}")
    assert (await person.say(first)).text == card
    for question_about_it in asked:
        await person.say(question_about_it)
        assert [r.text for r in person.replies] == [card], question_about_it
    # Asked of the list, not of one service's card, "open now?" is still the list's button.
    await person.say(question)
    narrowed = await person.say(asked[0])
    assert narrowed.text != card
    assert "only:open" in payloads(narrowed)


@pytest.mark.parametrize(
    ("language", "question", "asked"),
    [
        # A QA pass: under a list, "how do I get there?" got the list of transport, "Do you
        # mean: legal help, transport?" or "Sorry, I did not understand".
        ("en", "I need a doctor in Vienna, I have no papers", "how do I get there?"),
        ("fa", "من در وین هستم و مدارک ندارم، دکتر لازم دارم", "چطوری برم اونجا؟"),
        ("tr", "viyanadayim kagidim yok doktor lazim", "oraya nasil giderim"),
        ("ar", "ana f tanja, bghit tbib ma3andich lwra9", "kifach nwsel?"),
    ],
)
async def test_the_way_there_asked_under_a_list_asks_which_one(
    dialogue: Dialogue, language: str, question: str, asked: str
) -> None:
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    results = await person.say(question)
    said = await person.say(asked)
    assert said.text == t.gettext(
        "Each place's address is in the list, after 📍. Write the number of the one you want "
        "to go to, and I will show it alone."
    )
    assert (await person.say("2")).text == results.text.split("\n\n")[2]


async def test_another_need_named_in_words_under_a_list_is_that_need(dialogue: Dialogue) -> None:
    # A QA pass in Tunis: under the housing list, "bnti lazmha tmchi l9raya" (my daughter has
    # to go to school), which the model did not understand, got the housing list again, the
    # women's shelter first for the word "daughter".
    person = Conversation(dialogue, language_hint="ar")
    await person.say("ana f tounes")
    assert (await person.say("ma3andich win nbat lila")).text.startswith("🏠 السكن في تونس:")
    school = await person.say("bnti lazmha tmchi l9raya")
    assert school.text.startswith("📚 التعليم في تونس:")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("how do I get there?", True),
        ("address?", True),
        ("آدرسش کجاست؟", True),
        # A service may be about an address: a postal one asked for is a need, not the way.
        ("I need a postal address", False),
        ("necesito una dirección para empadronarme", False),
        ("آدرس پستی میخوام", False),
    ],
)
def test_the_way_there_is_asked_and_an_address_needed_is_not(text: str, asked: bool) -> None:
    assert followups.way_there(text) is asked
