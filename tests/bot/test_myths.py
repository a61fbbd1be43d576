"""Myths and facts in the dialogue, as transcripts: menus and buttons, and questions via NLU."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.campaigns import subscriptions
from bot.dialogue import Dialogue, fact_typed, followups
from bot.i18n import isolate, translations
from bot.telegram.parse import to_incoming
from core.pseudonym import pseudonym
from core.usage import UsageEvent
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from nlu.safety import mentions_danger
from services_directory.rumours.models import Rumour
from tests.helpers.conversation import Conversation, labels, payloads
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.rasa import answering, rumour_parse
from tests.standins.server import serve

KEY = PSEUDONYM_KEY.encode()


async def _menu_in(person: Conversation, locale: str) -> None:
    await person.say("/start")
    await person.press(f"lang:{locale}")
    await person.press("city:lyon")


async def _rumour(session: AsyncSession, key: str) -> Rumour:
    rumour = await session.get(Rumour, key)
    assert rumour is not None
    return rumour


async def test_french_menu_myth_fact_source_share_and_subscribe(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    t = translations("fr")
    person = Conversation(dialogue_without_nlu, language_hint="fr", chat_id="5550101")
    await _menu_in(person, "fr")
    assert payloads(person.replies[-1])[-3:] == ["myths", "human", "emergency"]
    assert "💬 Idées reçues et réalités" in labels(person.replies[-1])

    menu = await person.press("myths")
    assert menu.text.startswith("💬 Idées reçues et réalités : choisissez")
    assert {"Les migrants prennent nos emplois", "Les migrants amènent la délinquance"} <= set(
        labels(menu)
    )
    assert payloads(menu)[-2:] == ["sub", "menu"]

    fact = await person.press("myth:take_jobs")
    rumour = await _rumour(session, "take_jobs")
    assert fact.text.split("\n\n") == [
        "❌ Idée reçue : Les migrants prennent nos emplois",
        f"✅ Réalité : {rumour.facts['fr']}",
        "🔗 Source : https://www.oecd.org/migration/",
    ]
    assert labels(fact) == ["📤 Partager", "🔔 Recevoir les faits", "💬 Autres idées reçues"]
    assert payloads(fact) == ["share:take_jobs", "sub", "myths"]
    assert not fact.rtl

    await person.press("share:take_jobs")
    standalone, hint = person.replies
    assert standalone.text == fact.text
    assert standalone.buttons == ()
    assert hint.text == t.gettext("Forward the message above to share this fact.")

    await person.press("myths")
    await person.press("myth:take_jobs")
    subscribed = await person.press("sub")
    assert subscribed.text.startswith("🔔 C'est fait : je vous enverrai")
    subscription = await subscriptions.find(session, pseudonym(KEY, "telegram", person.chat_id))
    assert subscription is not None
    assert (subscription.locale, subscription.city, subscription.channel) == (
        "fr", "lyon", "telegram",
    )  # fmt: skip
    # The chat id is kept only sealed, and opens with the key.
    assert person.chat_id not in subscription.sealed_chat_id
    assert subscriptions.unseal(KEY, subscription) == person.chat_id

    await person.press("myths")
    again = await person.press("myth:more_benefits")
    assert payloads(again) == ["share:more_benefits", "myths", "menu"]  # no second subscribe
    stopped = await person.say("/stop")
    assert stopped.text == "C'est fait : vous ne recevrez plus de faits de ma part."
    assert await subscriptions.find(session, subscription.key) is None
    assert (await person.say("/stop")).text == "Vous ne receviez pas de faits de ma part."


async def test_stop_written_with_a_mark_or_an_emoji_stops_the_facts(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue, channel="whatsapp", chat_id="212612345678")
    await _menu_in(person, "en")
    key = pseudonym(KEY, "whatsapp", person.chat_id)
    for written in ("Stop.", "STOP!!", "stop 🙏"):
        await person.press_earlier("sub")
        assert await subscriptions.find(session, key) is not None
        stopped = await person.say(written)
        assert stopped.text == "Done: you will get no more facts from me.", written
        assert await subscriptions.find(session, key) is None


async def test_persian_right_to_left_with_the_link_kept_whole(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue_without_nlu, channel="whatsapp", chat_id="989121234567")
    await _menu_in(person, "fa")
    menu = await person.press("myths")
    assert menu.rtl
    assert menu.text.startswith("💬 شایعه‌ها و واقعیت‌ها:")
    assert "مهاجران کار ما را می‌گیرند" in labels(menu)

    fact = await person.press("myth:increase_crime")
    rumour = await _rumour(session, "increase_crime")
    assert fact.rtl
    assert fact.text.split("\n\n") == [
        "❌ شایعه: مهاجران جرم و جنایت می‌آورند",
        f"✅ واقعیت: {rumour.facts['fa']}",
        "🔗 منبع: \u2068https://www.iom.int/\u2069",
    ]
    # Three buttons: WhatsApp shows reply buttons, not a list.
    assert labels(fact) == ["📤 اشتراک‌گذاری", "🔔 دریافت واقعیت‌ها", "💬 شایعه‌های دیگر"]
    await person.press("share:increase_crime")
    assert person.replies[0].text == fact.text
    assert person.replies[0].rtl

    await person.press("myths")
    await person.press("myth:increase_crime")
    await person.press("sub")
    key = pseudonym(KEY, "whatsapp", person.chat_id)
    assert (await subscriptions.find(session, key)) is not None
    # On WhatsApp people leave a list by writing STOP.
    stopped = await person.say("STOP")
    assert stopped.text == translations("fa").gettext("Done: you will get no more facts from me.")
    assert await subscriptions.find(session, key) is None


async def test_a_language_without_the_fact_falls_back_to_english(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    session.add(
        Rumour(
            key="only_english", active=True, source_url="https://www.unhcr.org/",
            titles={"en": "Refugees choose rich countries"},
            facts={"en": "Most refugees live in countries next to their own."}, phrasings={},
        )
    )  # fmt: skip
    await session.commit()
    person = Conversation(dialogue_without_nlu, chat_id="5550102")
    await _menu_in(person, "uk")
    menu = await person.press("myths")
    assert "Refugees choose rich countries" in labels(menu)
    fact = await person.press("myth:only_english")
    assert fact.text.split("\n\n")[:2] == [
        "❌ Міф: Refugees choose rich countries",
        "✅ Факт: Most refugees live in countries next to their own.",
    ]


async def test_forget_also_ends_the_subscription(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue_without_nlu, chat_id="5550103")
    await _menu_in(person, "en")
    await person.press("myths")
    await person.press("sub")
    gone = await person.say("/forget")
    assert gone.text.endswith("I also stopped the facts you asked for.")
    assert await subscriptions.find(session, pseudonym(KEY, "telegram", "5550103")) is None


def _until(status: str) -> dict[str, int]:
    # A ban (the bot blocked) comes with its end: 0, for ever.
    return {"until_date": 0} if status == "kicked" else {}


def _membership(chat_id: int, old: str, new: str) -> dict[str, Any]:
    """A Telegram `my_chat_member` update of a private chat, as the Bot API sends it."""
    bot = {"id": 7000000001, "is_bot": True, "first_name": "Dalil", "username": "dalil_test_bot"}
    person = {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": "en"}
    return {
        "update_id": 880001,
        "my_chat_member": {
            "chat": {"id": chat_id, "first_name": "A", "type": "private"},
            "from": person, "date": 1764100000,
            "old_chat_member": {"user": bot, "status": old, **_until(old)},
            "new_chat_member": {"user": bot, "status": new, **_until(new)},
        },
    }  # fmt: skip


async def test_blocking_the_bot_erases_the_person_and_says_nothing(
    dialogue_without_nlu: Dialogue, session: AsyncSession, redis: Redis
) -> None:
    person = Conversation(dialogue_without_nlu, chat_id="5550104")
    await _menu_in(person, "en")
    await person.press("myths")
    await person.press("sub")
    key = pseudonym(KEY, "telegram", "5550104")
    assert await subscriptions.find(session, key) is not None
    assert await redis.exists(f"conv:{key}")

    blocked = to_incoming(_membership(5550104, "member", "kicked"))
    assert blocked is not None
    assert blocked.kind == "left"
    assert await dialogue_without_nlu.respond(blocked) == []  # nothing can reach them
    assert await subscriptions.find(session, key) is None
    assert not await redis.exists(f"conv:{key}")
    # Unblocking is not a message: they write /start again.
    assert to_incoming(_membership(5550104, "kicked", "member")) is None


# Free text through the NLU: Rasa's answers, played by a stand-in behind the client. -------

ParseBody = dict[str, Any]


@pytest.fixture
async def nlu_answers(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[Callable[[ParseBody], Awaitable[Dialogue]]]:
    """A dialogue whose NLU, a stand-in served on a local port, answers `body` to every parse."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(body: ParseBody) -> Dialogue:
            url = await stack.enter_async_context(serve(answering(body)))
            client = NLUClient(url, identifier=identifier)
            stack.push_async_callback(client.aclose)
            return make_dialogue(sessions, redis, client)

        yield make


async def _events(session: AsyncSession) -> list[tuple[str, str, str]]:
    rows = await session.scalars(select(UsageEvent).where(UsageEvent.intent == "rumour"))
    return [(e.language, e.intent, e.outcome) for e in rows]


async def test_a_question_about_a_known_myth_gets_the_fact_from_the_database(
    nlu_answers: Callable[[ParseBody], Awaitable[Dialogue]], session: AsyncSession
) -> None:
    person = Conversation(await nlu_answers(rumour_parse("more_benefits")), chat_id="5550104")
    reply = await person.say("est-ce vrai que les migrants touchent plus d'aides que nous ?")
    rumour = await _rumour(session, "more_benefits")
    assert reply.text.split("\n\n")[1] == f"✅ Réalité : {rumour.facts['fr']}"
    assert "Rasa" not in reply.text
    assert payloads(reply) == ["share:more_benefits", "sub", "myths"]
    assert await _events(session) == [("fr", "rumour", "answered")]


@pytest.mark.parametrize(
    "body",
    [
        rumour_parse("no_such_myth"),
        rumour_parse("take_jobs", key_confidence=0.05),
        {**rumour_parse("take_jobs"), "response_selector": {}},
    ],
    ids=["unknown key", "unsure of the key", "no key"],
)
async def test_an_unmatched_myth_is_counted_and_answered_with_the_menu(
    nlu_answers: Callable[[ParseBody], Awaitable[Dialogue]], session: AsyncSession, body: ParseBody
) -> None:
    person = Conversation(await nlu_answers(body), chat_id="5550105")
    reply = await person.say("los migrantes traen enfermedades")
    assert reply.text == translations("es").gettext(
        "I have no answer to this one yet. Here are the myths I can answer:"
    )
    assert "myth:take_jobs" in payloads(reply)
    assert await _events(session) == [("es", "rumour", "rumour_unmatched")]


@pytest.mark.parametrize(
    ("text", "key_confidence", "fact"),
    [
        ("مفوضية اللاجئين", 0.62, False),  # the UN's refugee agency, not a myth
        ("yabancılar tehlikeli", 0.99, True),  # a myth in two words
        ("the refugees bring crime to our town", 0.62, True),  # a sentence: the model's
    ],
)
async def test_a_few_words_get_a_fact_only_when_the_myth_is_sure(
    nlu_answers: Callable[[ParseBody], Awaitable[Dialogue]],
    session: AsyncSession,
    text: str,
    key_confidence: float,
    fact: bool,
) -> None:
    # A QA pass: "مفوضية اللاجئين" was answered with the fact that migrants do not bring crime.
    body = rumour_parse("increase_crime", key_confidence=key_confidence)
    person = Conversation(await nlu_answers(body), chat_id="5550107", language_hint="ar")
    reply = await person.say(text)
    assert ("✅" in reply.text) is fact
    if not fact:
        assert "cat:legal" in payloads(reply)  # the topics, as for what is not understood
        assert await _events(session) == []


async def test_a_switched_off_myth_is_unmatched(
    nlu_answers: Callable[[ParseBody], Awaitable[Dialogue]], session: AsyncSession
) -> None:
    (await _rumour(session, "increase_crime")).active = False
    await session.commit()
    person = Conversation(await nlu_answers(rumour_parse("increase_crime")), chat_id="5550106")
    reply = await person.say("migrants increase crime in this city")
    assert "myth:increase_crime" not in payloads(reply)
    assert "✅" not in reply.text
    assert await _events(session) == [("en", "rumour", "rumour_unmatched")]


async def test_payloads_fit_telegrams_64_bytes_with_the_longest_key(
    dialogue_without_nlu: Dialogue, session: AsyncSession
) -> None:
    key = "the_longest_key_a_rumour_may_have_" + "abcdef"
    assert len(key) == 40  # KEY_PATTERN's limit
    session.add(
        Rumour(
            key=key, active=True, source_url="https://www.unhcr.org/",
            titles={"en": "A myth with a long key", "ar": "خرافة بمفتاح طويل جدا جدا جدا جدا"},
            facts={"en": "A fact."}, phrasings={},
        )
    )  # fmt: skip
    await session.commit()
    person = Conversation(dialogue_without_nlu, chat_id="5550107")
    await _menu_in(person, "ar")
    offered = [await person.press("myths"), await person.press(f"myth:{key}")]
    await person.press(f"share:{key}")
    offered += person.replies
    for reply in offered:
        for payload in payloads(reply):
            assert 1 <= len(payload.encode()) <= 64, payload


# "Is that true?" under a fact: its source again. -----------------------------------------

DOUBTED = (
    "It is good to check. This fact comes from the source below, where you can read it yourself:"
)


def _source_reply(locale: str, url: str) -> str:
    t = translations(locale)
    link = t.gettext("🔗 Source: {url}").format(url=isolate(url, locale))
    return f"{t.gettext(DOUBTED)}\n\n{link}"


@pytest.mark.parametrize(
    ("locale", "doubt", "chat_id"),
    [
        ("fr", "C'est vrai ?", "5550110"),
        ("ar", "صحيح؟", "5550111"),  # right to left
        ("ar", "wallah?", "5550112"),  # Arabizi, answered in the Arabic chosen
        ("fa", "vaghean?", "5550113"),  # Finglish
        ("uk", "правда?", "5550114"),
        ("tr", "Gerçekten mi?", "5550115"),
    ],
)
async def test_a_doubt_under_a_fact_gets_its_source_then_is_a_message_again(
    dialogue: Dialogue, session: AsyncSession, locale: str, doubt: str, chat_id: str
) -> None:
    # A QA pass: "is that true?" under a fact got "Sorry, I did not understand".
    before = Conversation(dialogue, chat_id=f"{chat_id}0")
    await _menu_in(before, locale)
    today = await before.say(doubt)  # no fact shown: what the phrase gets as ever

    person = Conversation(dialogue, chat_id=chat_id)
    await _menu_in(person, locale)
    await person.press("myths")
    await person.press("myth:increase_crime")
    rumour = await _rumour(session, "increase_crime")
    source = await person.say(doubt)
    assert source.text == _source_reply(locale, rumour.source_url)
    assert rumour.source_url in source.text
    assert not source.text.startswith("It is good")  # in the person's language
    assert payloads(source) == ["share:increase_crime", "myths", "menu"]
    assert source.rtl is (locale in ("ar", "fa"))

    # The source was the answer: the same words next are a message like any other.
    again = await person.say(doubt)
    assert again.text == today.text
    assert "🔗" not in again.text


async def test_a_doubt_is_answered_with_a_source_only_right_under_a_fact(
    dialogue: Dialogue, session: AsyncSession
) -> None:
    person = Conversation(dialogue, chat_id="5550116")
    await _menu_in(person, "es")
    first = await person.say("¿en serio?")  # no fact shown yet
    assert "🔗" not in first.text
    await person.press("myths")
    await person.press("myth:take_jobs")
    source = await person.say("¿en serio?")
    assert source.text == _source_reply("es", (await _rumour(session, "take_jobs")).source_url)
    # A fact, then another message: the doubt typed after that is not about the fact.
    await person.press("myths")
    await person.press("myth:take_jobs")
    await person.press("myths")
    later = await person.say("¿en serio?")
    assert later.text == first.text


async def test_a_doubt_under_a_fact_the_model_chose_gets_its_source_without_the_model_too(
    nlu_answers: Callable[[ParseBody], Awaitable[Dialogue]],
    dialogue_without_nlu: Dialogue,
    session: AsyncSession,
) -> None:
    rumour = await _rumour(session, "more_benefits")
    # The model reads every message as this myth: the doubt gets the source, not the fact.
    person = Conversation(await nlu_answers(rumour_parse("more_benefits")), chat_id="5550117")
    fact = await person.say("é verdade que os migrantes recebem mais ajudas?")
    assert "✅" in fact.text
    source = await person.say("Sério?")
    assert source.text == _source_reply("pt", rumour.source_url)

    # Rasa unreachable: the phrase needs no model.
    unread = Conversation(dialogue_without_nlu, chat_id="5550118")
    await _menu_in(unread, "de")
    await unread.press("myths")
    await unread.press("myth:more_benefits")
    source = await unread.say("Wirklich?")
    assert source.text == _source_reply("de", rumour.source_url)
    assert (await unread.say("Wirklich?")).text != source.text


@pytest.mark.parametrize(
    "text",
    [
        "is that true?",
        "Really??",
        "c'est vrai ?",
        "¿En serio?",
        "صحيح؟",
        "واقعاً؟",
        "wallah?",
        "bi jad?",
        "правда?",
        "gerçekten mi?",
        "davvero?",
        "sério?",
        "wirklich?",
        "vaghean?",
        "est-ce que c'est vrai ?",
    ],
)
def test_doubts_are_found_whole(text: str) -> None:
    assert followups.DOUBT.said(text)


@pytest.mark.parametrize(
    "text",
    ["I really need help", "wallah I have no money", "is it true that migrants take jobs", "ok"],
)
def test_needs_with_the_words_are_not_doubts(text: str) -> None:
    assert not followups.DOUBT.said(text)


# The model knows three myths and always names one of them: a myth it does not know, or words
# of another myth's topic, are read against its pick (nlu/myth_words.yml). With the real model.

_UNKNOWN = "I have no answer to this one yet. Here are the myths I can answer:"


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("los inmigrantes no pagan impuestos", "es"),  # the model: jobs, at 0.96 (a QA pass)
        ("migrants don't pay taxes", "en"),  # the model: benefits
        ("المهاجرين ما بيدفعوا ضرايب", "ar"),  # the model: crime
        ("göçmenler vergi ödemiyor", "tr"),  # three words, once "not understood"
        ("migrants bring diseases", "en"),  # the model: crime, at 0.97
        ("los inmigrantes traen enfermedades", "es"),  # the model: jobs
    ],
)
async def test_a_myth_the_campaign_does_not_answer_is_not_given_another_myths_fact(
    dialogue: Dialogue, session: AsyncSession, text: str, locale: str
) -> None:
    person = Conversation(dialogue, chat_id="5550131", language_hint=locale)
    reply = await person.say(text)
    assert reply.text == translations(locale).gettext(_UNKNOWN)
    assert {"myth:take_jobs", "myth:more_benefits", "myth:increase_crime"} <= set(payloads(reply))
    assert await _events(session) == [(locale, "rumour", "rumour_unmatched")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("мигранты получают бесплатное жилье", "more_benefits"),  # the model: jobs, at 0.97
        ("los inmigrantes reciben casas gratis", "more_benefits"),
        ("gli immigrati non pagano le tasse e ci rubano il lavoro", "take_jobs"),
        ("Ausländer sind kriminell", "increase_crime"),
        ("المهاجرين بياخدوا شغلنا", "take_jobs"),  # three words, once "not understood"
        ("is it true that immigrants bring crime?", "increase_crime"),
    ],
)
async def test_the_myth_whose_words_a_message_names_gets_its_fact(
    dialogue: Dialogue, session: AsyncSession, text: str, key: str
) -> None:
    person = Conversation(dialogue, chat_id="5550132")
    reply = await person.say(text)
    assert "✅" in reply.text
    assert payloads(reply)[0] == f"share:{key}"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("they get free houses", "more_benefits"),  # not understood, in a QA pass
        ("les dan casas gratis", "more_benefits"),
        ("recebem casas de graça", "more_benefits"),
        ("nos quitan el trabajo", "take_jobs"),  # was food, myths and facts, jobs
    ],
)
async def test_a_myth_told_without_who_the_model_is_unsure_of_is_asked_about(
    dialogue: Dialogue, session: AsyncSession, text: str, key: str
) -> None:
    person = Conversation(dialogue, chat_id="5550133")
    asked = await person.say(text)
    assert asked.text == translations(asked.language or "en").gettext("Do you mean:")
    assert f"myth:{key}" in payloads(asked)
    assert "myths" not in payloads(asked)
    assert payloads(asked)[-2:] == ["menu", "emergency"]
    # Labelled as the myths are in the menu: WhatsApp cuts a myth's title on a button.
    t = translations(asked.language or "en")
    assert labels(asked)[payloads(asked).index(f"myth:{key}")] == t.gettext("💬 Myths and facts")
    # The number of its button, typed, is the myth too.
    fact = await person.say(str(payloads(asked).index(f"myth:{key}") + 1))
    assert fact.text.startswith("❌")
    assert payloads(fact)[0] == f"share:{key}"


@pytest.mark.parametrize("text", ["I want a free house", "free house", "non pagano le tasse"])
async def test_a_need_with_a_myths_words_is_not_asked_about_a_myth(
    dialogue: Dialogue, text: str
) -> None:
    reply = await Conversation(dialogue, chat_id="5550134").say(text)
    assert not any(payload.startswith("myth:") for payload in payloads(reply))


@pytest.mark.parametrize(
    ("myth", "typed", "then"),
    [
        # In a QA pass: "share" got the city question, "subscribe" legal help or food, "otro
        # mito" transport, each read by the model as a need.
        ("migrants take our jobs", "share", "Forward the message above to share this fact."),
        ("los inmigrantes traen delincuencia", "compartir",
         "Forward the message above to share this fact."),
        ("los inmigrantes traen delincuencia", "otro mito",
         "💬 Myths and facts: choose what you heard, and I will tell you what is true."),
        ("migrants take our jobs", "subscribe",
         "🔔 Done: I will send you new facts about migration from time to time. "
         "Send /stop to stop them."),
        ("migrants take our jobs", "1", "Forward the message above to share this fact."),
        ("gli immigrati portano criminalità", "non è vero",
         "It is good to check. This fact comes from the source below, where you can read it "
         "yourself:"),
        ("Migranten bekommen mehr Sozialleistungen", "quelle?",
         "It is good to check. This fact comes from the source below, where you can read it "
         "yourself:"),
    ],
)  # fmt: skip
async def test_a_facts_buttons_typed_under_it_do_what_they_do(
    dialogue: Dialogue, myth: str, typed: str, then: str
) -> None:
    person = Conversation(dialogue, chat_id="5550135")
    fact = await person.say(myth)
    assert fact.text.startswith("❌")
    locale = fact.language or "en"
    reply = await person.say(typed)
    assert reply.text.startswith(translations(locale).gettext(then))


async def test_a_facts_words_are_read_as_any_message_away_from_a_fact(
    dialogue: Dialogue,
) -> None:
    person = Conversation(dialogue, chat_id="5550136")
    await person.say("I need a doctor in Vienna")
    reply = await person.say("share")
    assert not reply.text.startswith("Forward")


def test_no_phrase_of_a_facts_buttons_is_a_word_of_danger() -> None:
    for book in (fact_typed._SHARE, fact_typed._OTHER_MYTHS, fact_typed._GET_FACTS):
        for phrases in book.values():
            assert not [phrase for phrase in phrases if mentions_danger(phrase)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # The model's first intent a myth (0.74, 0.69), sure which, and the words say so too:
        # "Do you mean: 💬 Myths and facts · ⚖️ Legal help" in a QA pass.
        ("they steal our jobs", "take_jobs"),
        ("мигранты приносят преступность", "increase_crime"),
    ],
)
async def test_a_myth_the_words_confirm_gets_its_fact_without_a_question(
    dialogue: Dialogue, text: str, key: str
) -> None:
    reply = await Conversation(dialogue, chat_id="5550137").say(text)
    assert reply.text.startswith("❌")
    assert payloads(reply)[0] == f"share:{key}"


async def test_a_myth_the_words_do_not_confirm_is_still_asked_about(dialogue: Dialogue) -> None:
    # "vienen a robar" (they come to steal): the model torn between jobs and crime.
    reply = await Conversation(dialogue, chat_id="5550138").say("vienen a robar")
    assert "emergency" in payloads(reply)
    assert "✅" not in reply.text


@pytest.mark.parametrize(
    ("language", "first", "then", "answered"),
    [
        # Each got the menu, or "Do you mean: 🚌 Transport · 💼 Jobs".
        ("fr", "c'est vrai que les migrants prennent notre travail ?", "et la délinquance ?",
         "increase_crime"),
        ("en", "is it true that migrants take our jobs?", "and what about crime?",
         "increase_crime"),
        # A myth the campaign has no fact for: it says so, and lists those it answers.
        ("es", "es verdad que los inmigrantes nos quitan el trabajo?", "y los impuestos?", None),
        ("en", "is it true that migrants take our jobs?", "and do they pay taxes?", None),
    ],
)  # fmt: skip
async def test_another_myth_named_under_a_fact_is_that_myth(
    dialogue: Dialogue,
    sessions: async_sessionmaker[AsyncSession],
    language: str,
    first: str,
    then: str,
    answered: str | None,
) -> None:
    t = translations(language)
    person = Conversation(dialogue, language_hint=language)
    jobs = await person.say(first)
    assert "share:take_jobs" in payloads(jobs)
    said = await person.say(then)
    if answered is None:
        assert said.text == t.gettext(
            "I have no answer to this one yet. Here are the myths I can answer:"
        )
        assert "myth:increase_crime" in payloads(said)
    else:
        async with sessions() as session:
            rumour = await _rumour(session, answered)
        assert rumour.facts[language] in said.text
        assert f"share:{answered}" in payloads(said)
