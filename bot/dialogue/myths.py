"""Myths and facts: the menu of rumours, a fact with its source, sharing, and getting facts.

The facts come from the database (services_directory.rumours), in the person's language or
else in English; the NLU only tells which myth a free-text question is about.
"""

from __future__ import annotations

from babel.support import NullTranslations

from bot.campaigns import subscriptions
from bot.dialogue.turn import Turn
from bot.i18n import is_rtl, isolate
from bot.messages import Button, Reply, Template
from nlu import myth_words
from nlu.client import ParseResult
from services_directory.rumours import service as rumours
from services_directory.rumours.models import Rumour

RUMOUR = "rumour"
UNMATCHED = "rumour_unmatched"
# Below this, the response selector's choice of myth is a guess: offer the menu instead.
MIN_KEY_CONFIDENCE = 0.3
# A message of a few words is a myth only when the selector is this sure of which:
# "مفوضية اللاجئين" (the UN's refugee agency) got the fact about crime at 0.62, while a myth
# put in two or three words ("yabancılar tehlikeli") is chosen at 0.99; no myth of the
# development set of three words or fewer is chosen under 0.9 (nlu/README.md).
FEW_WORDS, FEW_WORDS_KEY_CONFIDENCE = 3, 0.9
# A myth the model is unsure of is its first intent from here on: nothing is above it.
CONFIRMED_MYTH = 0.5


# Rendering ------------------------------------------------------------------------------


def _other_topic(t: NullTranslations) -> Button:
    return Button(t.gettext("Other topic"), "menu")


def _other_myths(t: NullTranslations) -> Button:
    return Button(t.gettext("💬 Other myths"), "myths")


def _get_facts(t: NullTranslations) -> Button:
    return Button(t.gettext("🔔 Get facts"), "sub")


def myths_menu(
    t: NullTranslations,
    locale: str,
    offered: list[Rumour],
    *,
    subscribed: bool,
    text: str | None = None,
) -> Reply:
    """Return the active myths as buttons, one per row, titled in `locale`."""
    if not offered:
        text = t.gettext("There are no myths and facts to show right now.")
        return Reply(text, ((_other_topic(t),),), rtl=is_rtl(locale))
    text = text or t.gettext(
        "💬 Myths and facts: choose what you heard, and I will tell you what is true."
    )
    rows: list[tuple[Button, ...]] = [
        (Button(rumour.title(locale), f"myth:{rumour.key}"),) for rumour in offered
    ]
    if not subscribed:
        rows.append((_get_facts(t),))
    rows.append((_other_topic(t),))
    return Reply(text, tuple(rows), rtl=is_rtl(locale))


def fact_text(t: NullTranslations, locale: str, rumour: Rumour) -> str:
    """Return the myth, the fact that answers it and its source, in `locale`."""
    return "\n\n".join(
        [
            t.gettext("❌ Myth: {myth}").format(myth=rumour.title(locale)),
            t.gettext("✅ Fact: {fact}").format(fact=rumour.fact(locale)),
            t.gettext("🔗 Source: {url}").format(url=isolate(rumour.source_url, locale)),
        ]
    )


def fact(t: NullTranslations, locale: str, rumour: Rumour, *, subscribed: bool) -> Reply:
    """Return a fact with Share, Get facts (unless subscribed) and the way back."""
    share = Button(t.gettext("📤 Share"), f"share:{rumour.key}")
    # At most three buttons: WhatsApp shows them as buttons rather than a list.
    row = (share, _other_myths(t), _other_topic(t)) if subscribed else (
        share, _get_facts(t), _other_myths(t)
    )  # fmt: skip
    return Reply(fact_text(t, locale, rumour), (row,), rtl=is_rtl(locale))


def source(t: NullTranslations, locale: str, rumour: Rumour) -> Reply:
    """Return where a fact comes from, for a person who doubts it: its source, to read there
    themselves, and no more claims."""
    # Translators: the answer to "is that true?" typed under a fact; its source link follows.
    said = t.gettext(
        "It is good to check. This fact comes from the source below, where you can read it "
        "yourself:"
    )
    link = t.gettext("🔗 Source: {url}").format(url=isolate(rumour.source_url, locale))
    share = Button(t.gettext("📤 Share"), f"share:{rumour.key}")
    row = (share, _other_myths(t), _other_topic(t))
    return Reply(f"{said}\n\n{link}", (row,), rtl=is_rtl(locale))


def shared(t: NullTranslations, locale: str, rumour: Rumour) -> list[Reply]:
    """Return the fact alone, to forward as it is, and a hint saying so."""
    # Telegram's share links need a URL button, and WhatsApp has none: a message without
    # buttons is what both let people forward whole.
    hint = t.gettext("Forward the message above to share this fact.")
    return [
        Reply(fact_text(t, locale, rumour), rtl=is_rtl(locale)),
        Reply(hint, ((_other_myths(t), _other_topic(t)),), rtl=is_rtl(locale)),
    ]


def broadcast(
    t: NullTranslations, locale: str, rumour: Rumour, *, template: Template | None
) -> Reply:
    """Return a campaign's message: the fact, with Share and Stop under it."""
    text = "\n\n".join([t.gettext("💬 A fact about migration, as you asked:"),
                        fact_text(t, locale, rumour)])  # fmt: skip
    stop = Button(t.gettext("🛑 Stop facts"), "unsub")
    share = Button(t.gettext("📤 Share"), f"share:{rumour.key}")
    return Reply(text, ((share, stop),), rtl=is_rtl(locale), template=template)


# Turns ----------------------------------------------------------------------------------


async def _subscribed(turn: Turn) -> bool:
    return await subscriptions.find(turn.session, turn.key) is not None


async def show_menu(turn: Turn, text: str | None = None) -> Reply:
    """Answer with the myths the bot can answer now."""
    offered = await rumours.list_rumours(turn.session, active_only=True)
    return myths_menu(turn.t, turn.locale, offered, subscribed=await _subscribed(turn), text=text)


def _unknown(turn: Turn) -> str:
    return turn.t.gettext("I have no answer to this one yet. Here are the myths I can answer:")


async def _fact_shown(turn: Turn, rumour: Rumour) -> Reply:
    """Answer with the fact of `rumour`, whose buttons a number typed picks ("1": Share)."""
    await turn.record(RUMOUR, "answered")
    turn.state.fact = rumour.key
    shown = fact(turn.t, turn.locale, rumour, subscribed=await _subscribed(turn))
    turn.state.offered = "|".join(button.payload for row in shown.buttons for button in row)
    return shown


async def show_fact(turn: Turn, key: str) -> Reply:
    """Answer a myth button with its fact, or with the menu if it is no longer offered."""
    rumour = await rumours.get_active(turn.session, key)
    if rumour is None:
        return await show_menu(turn, _unknown(turn))
    return await _fact_shown(turn, rumour)


async def share(turn: Turn, key: str) -> list[Reply]:
    """Answer the Share button with a forwardable copy of the fact."""
    rumour = await rumours.get_active(turn.session, key)
    if rumour is None:
        return [await show_menu(turn, _unknown(turn))]
    return shared(turn.t, turn.locale, rumour)


async def show_source(turn: Turn, key: str) -> Reply | None:
    """Answer a doubt typed under the fact of myth `key` ("is that true?") with its source;
    None when the myth is no longer offered, for the message to be read as any other."""
    rumour = await rumours.get_active(turn.session, key)
    return source(turn.t, turn.locale, rumour) if rumour is not None else None


def guessed(result: ParseResult, text: str) -> bool:
    """Tell whether the myth read in `text`, a message of a few words, is only a guess of the
    model's: such a message is answered as one not understood, not with a fact. A message
    that names a myth's topic ("göçmenler vergi ödemiyor") is a myth: `answer` says which."""
    if len(text.split()) > FEW_WORDS or myth_words.myths_named(text):
        return False
    return result.response_confidence is not None and (
        result.response_confidence < FEW_WORDS_KEY_CONFIDENCE
    )


def confirmed(result: ParseResult, text: str) -> bool:
    """Tell whether a myth the model is not sure enough to act on is one all the same: its
    first intent (at least half its belief, so no emergency is above it), its key chosen at
    FEW_WORDS_KEY_CONFIDENCE, and a word of that myth's topic in `text` ("they steal our
    jobs" was asked about: "Do you mean: 💬 Myths and facts · ⚖️ Legal help")."""
    key = (result.response_key or "").removeprefix(f"{RUMOUR}/")
    return (
        result.intent == RUMOUR
        and result.confidence >= CONFIRMED_MYTH
        and (result.response_confidence or 0.0) >= FEW_WORDS_KEY_CONFIDENCE
        and key in myth_words.myths_named(text)
    )


async def _answered(turn: Turn, topics: set[str]) -> list[Rumour]:
    """Return the active myths among `topics`."""
    offered = await rumours.list_rumours(turn.session, active_only=True)
    return [rumour for rumour in offered if rumour.key in topics]


async def _worded(turn: Turn, key: str | None) -> str | None:
    """Return the myth the message is about: the model's `key`, unless the message names the
    topics of other myths only ("los inmigrantes no pagan impuestos", read as the myth about
    jobs): then the one of them the campaign answers, else None. A key without words of its
    own (a myth added by the city team) is the model's."""
    named = myth_words.myths_named(turn.message.text)
    if key is not None and (key not in myth_words.TOPICS or not named or key in named):
        return key
    answered = await _answered(turn, named)
    return answered[0].key if len(answered) == 1 else None


async def named(turn: Turn) -> str | None:
    """Return the key of the one active myth the message's words name, if one is."""
    answered = await _answered(turn, myth_words.myths_named(turn.message.text))
    return answered[0].key if len(answered) == 1 else None


async def answer(turn: Turn, result: ParseResult) -> Reply:
    """Answer a question the NLU took for a myth: its fact, or the menu when unsure."""
    picked = (result.response_key or "").removeprefix(f"{RUMOUR}/")
    confident = result.response_confidence is None or (
        result.response_confidence >= MIN_KEY_CONFIDENCE
    )
    key = await _worded(turn, picked if picked and confident else None)
    rumour = await rumours.get_active(turn.session, key) if key else None
    if rumour is None:
        # Which myths people bring up that the campaign does not answer yet, counted only.
        await turn.record(RUMOUR, UNMATCHED)
        return await show_menu(turn, _unknown(turn))
    return await _fact_shown(turn, rumour)


async def subscribe(turn: Turn, secret: bytes) -> Reply:
    """Subscribe the chat to the campaign's facts (asked for with the button)."""
    new = await subscriptions.subscribe(
        turn.session, secret, key=turn.key, channel=turn.message.channel,
        chat_id=turn.message.chat_id, locale=turn.locale, city=turn.state.city,
    )  # fmt: skip
    t = turn.t
    text = (
        t.gettext(
            "🔔 Done: I will send you new facts about migration from time to time. "
            "Send /stop to stop them."
        )
        if new
        else t.gettext("You already get the facts. Send /stop to stop them.")
    )
    return Reply(text, ((_other_myths(t), _other_topic(t)),), rtl=is_rtl(turn.locale))


async def stop(turn: Turn) -> Reply:
    """Unsubscribe the chat (/stop, "stop" or the button under a fact) and say so."""
    t = turn.t
    if await subscriptions.unsubscribe(turn.session, turn.key):
        text = t.gettext("Done: you will get no more facts from me.")
        return Reply(text, ((_get_facts(t), _other_topic(t)),), rtl=is_rtl(turn.locale))
    text = t.gettext("You were not getting facts from me.")
    return Reply(text, ((_other_myths(t), _other_topic(t)),), rtl=is_rtl(turn.locale))
