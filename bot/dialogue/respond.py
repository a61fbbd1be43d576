"""Deciding what to answer: commands, buttons, and free text through NLU."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.campaigns import subscriptions
from bot.dialogue import (
    choice_typed,
    declined,
    directory,
    erasure,
    fact_typed,
    followups,
    handover,
    languages_asked,
    myths,
    person_asked,
    render,
    replay,
    speaker_asked,
    two_needs,
)
from bot.dialogue.directory import what_do_you_need
from bot.dialogue.phrasebook import Phrasebook, normalised, typed_number
from bot.dialogue.turn import Turn
from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, supported, translations
from bot.messages import Button, IncomingMessage, Reply
from bot.state import ConversationState, StateStore
from core import usage
from core.db import unavailable as database_unavailable
from core.languages import NATIVE_NAMES
from core.pseudonym import pseudonym
from core.unmet import keep_unmet
from handoff import service as handoff
from handoff.models import Handover
from nlu import myth_words, topic_words
from nlu.client import NLUClient, ParseResult
from nlu.decision import CONFIDENT, EMERGENCY, LEAST_CHOICE, OUT_OF_SCOPE
from nlu.errors import NLUUnavailable
from nlu.language import own_letters, own_words, shared_greeting
from nlu.safety import mentions_danger
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import get_city
from services_directory.search.service import distance_m

log = logging.getLogger(__name__)

# A shared location farther than this from every city served is not taken as one of them.
NEAR_CITY_M = 50_000
# "stop", as people write it to leave the facts: "STOP", "Stop.", "stop!!", "stop 🙏".
_STOP = re.compile(r"[\W_]*stop[\W_]*")
_WORDS = re.compile(r"[^\W\d_]+")

# Intents that answer with the menu: a city named with them is the person's from then on.
_CITY_KEPT = frozenset({"greet", "thanks", "bot_help"})
# Courtesies a need may follow in one message ("thanks, now I need a lawyer").
_COURTESIES = frozenset({"greet", "thanks", "goodbye"})
# Where a courtesy ends: a mark of punctuation (Arabic and Persian ones too) or a line break.
_COURTESY_END = re.compile(r"[,.!;:،؛\n]")

# A slash command: the one reply it gets.
CommandHandler = Callable[[Turn], Awaitable[Reply]]
# What a button does with the value after its kind ("city:lyon"); None when the value is
# not one it takes, which answers with the menu.
ButtonHandler = Callable[[Turn, str], Awaitable[list[Reply] | None]]
# What time it is (timezone-aware): tests give a fixed clock to cross closing times.
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Dialogue:
    """The conversation logic shared by every channel."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        states: StateStore,
        nlu: NLUClient,
        pseudonym_key: bytes,
        keep_unmet_questions: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._states = states
        self._nlu = nlu
        self._pseudonym_key = pseudonym_key
        # The city's choice to keep scrubbed unanswered questions (KEEP_UNMET_QUESTIONS).
        self._keep_unmet_questions = keep_unmet_questions
        self._clock = clock
        self._commands: dict[str, CommandHandler] = {
            "/start": self._on_start,
            "/language": self._on_language_command,
            "/city": directory.ask_city,
            "/forget": self._on_forget,
            "/stop": myths.stop,
            "/help": self._on_help,
            "/end": handover.end_without_conversation,
        }
        self._buttons: dict[str, ButtonHandler] = {
            "lang": self._on_language,
            "city": self._on_city,
            "cat": self._on_category,
            "more": self._on_more,
            "only": self._on_only,
            "emergency": self._on_emergency,
            "myths": self._on_myths,
            "myth": self._on_myth,
            "share": self._on_share,
            "sub": self._on_subscribe,
            "unsub": self._on_unsubscribe,
            "where": self._on_where,
            "fb": self._on_feedback,
            "human": self._on_human,
            "hfb": handover.feedback,
            "forget": self._on_forget_button,
        }

    async def respond(self, message: IncomingMessage) -> list[Reply]:
        """Return the replies to one incoming message; never an empty list for a person, but
        while a volunteer has their conversation (the volunteer answers then: handover.py) and
        once they blocked the bot (nothing reaches them)."""
        key = pseudonym(self._pseudonym_key, message.channel, message.chat_id)
        handled = replay.turn_key(self._pseudonym_key, message)
        state = await self._states.load(key)
        locale = self._locale(state, message)
        try:
            async with self._sessions() as session, session.begin():
                decided, talking = await replay.find(session, handled, handoff.active_id(key))
                if decided is None:
                    turn = Turn(message, key, state, locale, session, self._clock())
                    # Every reply of a turn is in the turn's locale, as it stands at its end
                    # (a language chosen or recognised in the turn is the one answered in).
                    dispatched = await self._dispatch(turn, talking)
                    if message.media:
                        dispatched = _media_unseen(turn, dispatched)
                    replies = [reply.in_language(turn.locale) for reply in dispatched]
                    after = None if turn.forget else turn.state
                    replay.remember(session, handled, replies, after, turn.now)
                    decided = replay.Decided(replies, after)
                else:  # handled before by a worker that died: the same answer, nothing redone
                    log.info("dialogue.replayed channel=%s erased=%s", message.channel,
                             decided.erased)  # fmt: skip
        except Exception as error:
            # Whatever broke, the person who wrote gets an answer, not silence.
            log.exception("dialogue.failed channel=%s kind=%s", message.channel, message.kind)
            apology = self._apology(locale)
            if database_unavailable(error):
                raise Unavailable(apology) from error
            return apology
        if decided.erased:
            # Handled so long ago that its answer is no longer kept: say so, change nothing.
            return self._apology(locale)
        if decided.state is None:
            await self._states.forget(key)
        else:
            await self._states.save(key, decided.state)
        return decided.replies

    def _apology(self, locale: str) -> list[Reply]:
        t = translations(locale)
        text = t.gettext("Sorry, something went wrong on my side. Please try again soon.")
        return [render.menu(t, locale, text).in_language(locale)]

    def _locale(self, state: ConversationState, message: IncomingMessage) -> str:
        return (
            state.language
            or state.detected_language
            or supported(message.language_hint)
            or DEFAULT_LOCALE
        )

    async def _dispatch(self, turn: Turn, talking_id: int | None) -> list[Reply]:
        """Answer the turn; `talking_id` is the chat's open conversation with a volunteer."""
        message = turn.message
        picked = _picked(turn)
        turn.after_emergency, turn.state.urgent = turn.state.urgent, False
        turn.after_fact, turn.state.fact = turn.state.fact, None
        turn.after_card, turn.state.card = turn.state.card, 0
        if message.kind == "left":
            await self._erase(turn)
            return []
        if message.channel == "whatsapp":
            # Whatever they sent reopens WhatsApp's window: answers held for them can go now.
            await handoff.person_wrote(turn.session, turn.key, turn.now)
        # Handed over to a volunteer: the messages go to the conversation (bot/dialogue/handover).
        talking = await turn.session.get(Handover, talking_id) if talking_id is not None else None
        if talking is not None:
            replies = await handover.while_handed_over(turn, talking)
            if replies is not None:
                return replies
        if message.kind == "command":
            return await self._command(turn)
        if message.kind == "button":
            return await self._button(turn, message.payload)
        if message.kind == "text" and _STOP.fullmatch(message.text.casefold()):
            return [await myths.stop(turn)]  # how people leave a list on WhatsApp
        # "1" typed under "Do you mean:" is its first button, "فارسی" under the languages theirs.
        if picked is not None:
            return await self._button(turn, picked)
        if message.kind == "text" and _placed(message.text):
            # "the second" as "2" ("el segundo" under a list got the model's emergency numbers):
            # under the numbers, the numbers again.
            if turn.after_emergency:
                return [await directory.emergency(turn, None)]
            return [await self._wordless(turn)]
        if message.kind == "text" and message.text.strip():
            return await self._text(turn)
        if message.latitude is not None and message.longitude is not None:
            return await self._location(turn, (message.latitude, message.longitude))
        if message.kind == "text":
            # Only spaces: nothing to read, and nothing wrong with what was sent.
            return [render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))]
        return [
            render.menu(
                turn.t,
                turn.locale,
                turn.t.gettext("I can read text messages and buttons. What do you need?"),
            )
        ]

    # Commands -----------------------------------------------------------------------------

    async def _command(self, turn: Turn) -> list[Reply]:
        handover.leave(turn)
        command = turn.message.text.split()[0].split("@")[0].lower()
        handler = self._commands.get(command)
        return [await handler(turn) if handler is not None else what_do_you_need(turn)]

    async def _on_start(self, turn: Turn) -> Reply:
        t = turn.t
        text = "\n\n".join(
            [
                t.gettext(
                    "Welcome to Dalil. I help you find services near you: health, "
                    "housing, school, work, legal help, food and transport."
                ),
                render.privacy_notice(t, self._states.ttl_s),
                t.gettext("Choose your language:"),
            ]
        )
        return _languages_offered(turn, text)

    async def _on_language_command(self, turn: Turn) -> Reply:
        return _languages_offered(turn, turn.t.gettext("Choose your language:"))

    async def _on_forget(self, turn: Turn) -> Reply:
        t = turn.t
        unsubscribed, handovers = await self._erase(turn)
        text = t.gettext("Done: I erased your language and city. Send /start to begin again.")
        if unsubscribed:
            text += "\n\n" + t.gettext("I also stopped the facts you asked for.")
        if handovers:
            text += "\n\n" + t.gettext("I also deleted your conversations with volunteers.")
        return Reply(text, rtl=is_rtl(turn.locale), erase_chat=True)

    async def _on_forget_button(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [await self._on_forget(turn)]

    async def _erase(self, turn: Turn) -> tuple[bool, bool]:
        """Erase what the bot keeps of the person: their state, their subscription to the
        facts, their conversations with volunteers; say which of the last two there were."""
        turn.state = ConversationState()
        turn.forget = True
        unsubscribed = await subscriptions.unsubscribe(turn.session, turn.key)
        return unsubscribed, await handoff.forget(turn.session, turn.key, turn.now) > 0

    async def _on_help(self, turn: Turn) -> Reply:
        return render.menu(turn.t, turn.locale, self._help_text(turn))

    def _help_text(self, turn: Turn) -> str:
        return turn.t.gettext(
            'Write what you need in your own words, for example "I need a doctor", '
            "or choose a topic. Commands: /language, /city, /forget."
        )

    # Buttons ------------------------------------------------------------------------------

    async def _button(self, turn: Turn, payload: str) -> list[Reply]:
        kind, _, value = payload.partition(":")
        if kind != "human":
            handover.leave(turn)
        handler = self._buttons.get(kind)
        replies = await handler(turn, value) if handler is not None else None
        # "menu" (Other topic), and payloads of older releases still on screen, land here.
        return replies if replies is not None else [what_do_you_need(turn)]

    async def _on_language(self, turn: Turn, value: str) -> list[Reply] | None:
        if value not in SUPPORTED_LOCALES:
            return None
        return await self._language_chosen(turn, value)

    async def _language_chosen(self, turn: Turn, code: str) -> list[Reply]:
        """Answer in `code` from now on (its button pressed, or the language asked in words):
        the list on screen again in it ("ممكن بالعربي؟" under a list of rooms: the rooms, in
        Arabic), else the city asked, or the need."""
        turn.state.language = turn.locale = code
        if (shown := await directory.again(turn)) is not None:
            return [shown]
        if turn.state.city is None:
            return [await directory.ask_city(turn)]
        return [what_do_you_need(turn)]

    async def _on_city(self, turn: Turn, value: str) -> list[Reply] | None:
        city = await get_city(turn.session, value) if value else None
        if city is None:
            if not value:
                # "Change city" under a list: the same topic, in the city chosen next.
                turn.state.pending_category = turn.state.category
            return [await directory.ask_city(turn)]
        return [await directory.city_chosen(turn, city)]

    async def _on_category(self, turn: Turn, value: str) -> list[Reply] | None:
        if value not in Category.__members__.values():
            return None
        return [await directory.find(turn, Category(value), None, "find_" + value)]

    async def _on_more(self, turn: Turn, _value: str) -> list[Reply] | None:
        shown = await directory.more(turn)
        return [shown] if shown is not None else None

    async def _on_only(self, turn: Turn, value: str) -> list[Reply] | None:
        # Each press switches one filter on or off and shows the list again from the top.
        if value not in ("open", "free"):
            return None
        shown = await directory.narrowed(turn, value)
        return [shown] if shown is not None else None

    async def _on_emergency(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [await directory.emergency(turn, None)]

    async def _on_myths(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [await myths.show_menu(turn)]

    async def _on_myth(self, turn: Turn, value: str) -> list[Reply] | None:
        return [await myths.show_fact(turn, value)] if value else None

    async def _on_share(self, turn: Turn, value: str) -> list[Reply] | None:
        return await myths.share(turn, value) if value else None

    async def _on_subscribe(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [await myths.subscribe(turn, self._pseudonym_key)]

    async def _on_unsubscribe(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [await myths.stop(turn)]

    async def _on_where(self, turn: Turn, _value: str) -> list[Reply] | None:
        return [render.location_request(turn.t, turn.locale)]

    async def _on_human(self, turn: Turn, value: str) -> list[Reply] | None:
        return await handover.on_button(turn, value, self._pseudonym_key)

    async def _on_feedback(self, turn: Turn, value: str) -> list[Reply] | None:
        if value not in ("up", "down"):
            return None
        rating: usage.Feedback = "up" if value == "up" else "down"
        await followups.rate_results(turn, rating)
        if rating == "down" and (offer := await followups.person_offer(turn)) is not None:
            return [offer]  # as "that did not help" typed: a person, where one answers
        text = turn.t.gettext("Thank you! This helps us improve Dalil.")
        return [render.menu(turn.t, turn.locale, text)]

    # Free text ----------------------------------------------------------------------------

    async def _text(self, turn: Turn) -> list[Reply]:
        text = turn.message.text
        try:
            result = await self._nlu.parse(text)
        except NLUUnavailable:
            self._adopt_language(turn, self._nlu.detect_language(text), weak=_one_word(text))
            calm = not mentions_danger(text)
            if erasure.asked(text) and calm:
                return [render.erase_offer(turn.t, turn.locale)]
            # "Is that true?" under a fact needs no model either: its source again.
            if calm and (source := await followups.doubted(turn)) is not None:
                return [source]
            # Nor a person asked for in words, or one who speaks a language.
            if calm and (speaker := speaker_asked.asked(text)) is not None:
                return [await self._speaker_asked(turn, speaker, None)]
            if calm and person_asked.asked(text):
                return [await handover.offer(turn, _category(turn.state.category))]
            # A city typed as the answer to "Which city are you in?" needs no model.
            unread = ParseResult(intent=OUT_OF_SCOPE, confidence=0.0)
            if city := await directory.answered_city(turn, unread, bare=_one_word(text)):
                return [await self._city_typed(turn, city)]
            # A need named in a word or two ("médecin", "bus") needs no model either.
            named = topic_words.named_topic(text)
            if named is not None and (topic := Category.from_intent(named)) is not None:
                return [await directory.find(turn, topic, None, named)]
            if turn.after_emergency:
                return [await directory.emergency(turn, None)]
            await turn.record("unavailable", "fallback")
            return [
                render.menu(
                    turn.t,
                    turn.locale,
                    turn.t.gettext(
                        "Sorry, I cannot understand messages right now. Choose a topic:"
                    ),
                )
            ]
        understood = result.intent != OUT_OF_SCOPE and result.confidence >= CONFIDENT
        # A few words of courtesy are written alike in many languages too ("chao" reads as
        # Portuguese): understood, they keep the language of the person's earlier messages
        # (a first "merhaba" on a phone set to Spanish is still Turkish).
        courtesy = result.intent in _COURTESIES and turn.state.detected_language is not None
        # One word is too little to tell a language by, understood or not ("papiere" reads
        # as French, a Spanish "medico" as Italian): the earlier messages' language stays.
        alone = _one_word(text) and turn.state.detected_language is not None
        weak = (_few_words(text) and (courtesy or not understood)) or alone
        if shared := _shared_greeting(turn, result):
            return await self._greeted_in_shared(turn, shared)
        self._adopt_language(turn, await self._language_besides_city(turn, result), weak=weak)
        if directory.city_awaited(turn) and choice_typed.refused(text) and not result.danger:
            # "ولا واحد" for "Which city are you in?" got every city's emergency numbers (the
            # model's emergency, unsure): none of the cities served is where they are.
            return [await directory.cities_refused(turn)]
        if (erase_in := erasure.asked_in(text)) is not None and not result.danger:
            return await self._erase_offered(turn, result, erase_in)
        if (speaker := speaker_asked.asked(text)) is not None and not result.danger:
            # "wach kayn chi wa7ed kayhder b l3arbiya?" got the emergency numbers (the model's,
            # no word of danger in it): someone who speaks Arabic, in Arabic. The safety net's
            # words of danger never come here, and a word besides the asking ("help") keeps
            # the model's emergency first.
            offer = await self._speaker_asked(turn, speaker, result)
            if result.intent != EMERGENCY or speaker.plain:
                return [offer]
            return [await directory.emergency(turn, result, ask_city=False), offer]
        asked = languages_asked.asked(text)
        if asked is not None and result.intent != EMERGENCY and not result.danger:
            return await self._language_chosen(turn, asked)
        if person_asked.asked(text) and result.intent != EMERGENCY and not result.danger:
            # "بدي احكي مع حدا" was read as the food list: a person asked for is a person.
            result = replace(result, intent=handover.INTENT, choices=())
        if declined.said(text) and result.intent != EMERGENCY and not result.danger:
            # "пока нет" (not yet) was read as a goodbye: a "no" leaves nobody.
            result = replace(result, intent=OUT_OF_SCOPE, choices=())
        elif _leaving(text, result) and not _greeting_first(turn, text):
            result = replace(result, intent="goodbye", choices=())
        elif _thanking(text, result):
            result = replace(result, intent="thanks", choices=())
        elif not result.danger and await directory.greeted_where(turn, text):
            result = replace(result, intent="greet", choices=())
        elif result.intent in _COURTESIES:
            result = await self._need_after_courtesy(text, result)
        result = await directory.need_named_with_city(turn, result)
        result = _need_named_beside_danger(text, result)
        turn.state.last_intent = result.intent
        if city := await directory.answered_city(turn, result, bare=_one_word(text)):
            return [await self._city_typed(turn, city)]
        topic = Category.from_intent(result.intent) if not result.choices else None
        if topic is not None and handover.topic_asked(turn):
            # The topic typed for "What would you like to talk about?": a person for it (a
            # Turin resident permit question got Turin's list of lawyers instead).
            return [await handover.offer(turn, topic, topic_chosen=True)]
        handover.leave(turn)  # what they wrote is not the city asked for a conversation
        calm = result.intent != EMERGENCY and not result.danger
        if calm and (typed := await fact_typed.typed(turn, self._pseudonym_key)) is not None:
            return typed  # "share", "otro mito" typed under a fact
        if (followup := await followups.answer(turn, result)) is not None:
            return [followup]
        if (narrowed := await followups.beside_numbers(turn, result)) is not None:
            # The numbers stay first; the list's question is answered under them.
            return [await directory.emergency(turn, result, ask_city=False), narrowed]
        if result.need is not None:
            # Emergency numbers first, then the need the person also asked about. Without a
            # city the numbers are every city's and the need asks the city once: the city
            # pressed then answers the need (the numbers asked it too, and the need was lost).
            need = await self._intent(turn, replace(result, intent=result.need))
            return [await directory.emergency(turn, result, ask_city=False), need]
        if result.intent.startswith("find_") and not result.choices:
            turn.also = await two_needs.other_need(self._nlu, text, result.intent)
        return [await self._intent(turn, result)]

    async def _greeted_in_shared(self, turn: Turn, languages: tuple[str, ...]) -> list[Reply]:
        """Greet a first "salam" or "سلام" in the likeliest of the `languages` that write it
        (the phone's, if it is one of them), then offer the others at a tap, each asked in its
        own words: "slm" got Turkish, "سلام" Persian, and an Arabic speaker a menu they could
        not read, with /language the only way out."""
        hint = supported(turn.message.language_hint)
        chosen = hint if hint in languages else languages[0]
        turn.state.detected_language = turn.locale = chosen
        turn.state.last_intent = "greet"
        handover.leave(turn)
        await turn.record("greet", "answered")
        t = turn.t
        others = [code for code in languages if code != chosen]
        offer = Reply(
            "\n".join(translations(code).gettext("Choose your language:") for code in others),
            tuple((Button(NATIVE_NAMES[code], f"lang:{code}"),) for code in others),
            rtl=is_rtl(others[0]),
        )
        turn.state.offered = "|".join(f"lang:{code}" for code in others)
        return [render.menu(t, turn.locale, t.gettext("Hello! What do you need?")), offer]

    async def _speaker_asked(
        self, turn: Turn, speaker: speaker_asked.Speaker, result: ParseResult | None
    ) -> Reply:
        """Offer a person, in the language they were asked to speak if Dalil speaks it."""
        if speaker.language is not None:
            turn.state.language = turn.locale = speaker.language
        turn.state.last_intent = handover.INTENT
        if result is not None and (city := await directory.city_from(turn, result)):
            turn.state.city = city.id
        return await handover.offer(turn, _category(turn.state.category))

    @staticmethod
    def _another_myth(turn: Turn, result: ParseResult) -> bool:
        """Tell whether a message the model is unsure of names a myth's topic, and no need."""
        unsure = bool(result.choices) or result.intent == OUT_OF_SCOPE
        text = turn.message.text
        return unsure and bool(myth_words.myths_named(text)) and not topic_words.topics_named(text)

    async def _erase_offered(self, turn: Turn, result: ParseResult, language: str) -> list[Reply]:
        """Offer the erase button, in the language it was asked in unless one was chosen
        ("delete my data" reads as Spanish to the identifier); after the emergency numbers
        when the model, not the safety net, reads an emergency ("видаліть будь ласка всю
        інформацію про мене" got only the numbers): the numbers stay first."""
        if language and turn.state.language is None:
            turn.state.detected_language = turn.locale = language
        offer = render.erase_offer(turn.t, turn.locale)
        if result.intent != EMERGENCY:
            return [offer]
        return [await directory.emergency(turn, result, ask_city=False), offer]

    async def _need_after_courtesy(self, text: str, result: ParseResult) -> ParseResult:
        """Return what follows a greeting or thanks if the model reads a need (of two words
        at least) or a goodbye there with confidence ("merci, et je cherche un avocat" was
        answered "You are welcome", and so was "gracias, adiós"), topics to ask about, or an
        emergency ("hi, please help me quickly" got "Hello!"), else `result`."""
        end = _COURTESY_END.search(text)
        rest = text[end.end() :] if end else ""
        words = len(_WORDS.findall(rest))
        if not words:
            return result
        try:
            need = await self._nlu.parse(rest)
        except NLUUnavailable:
            return result
        if _leaving(rest, need):  # "спасибо, до свидания": the model unsure of the goodbye
            return replace(need, intent="goodbye", choices=())
        if need.danger or (need.intent == EMERGENCY and result.confidence < CONFIDENT):
            # The numbers: a cry of the safety net's after a greeting ("مرحبا، ساعدوني" got
            # "Hello!"), or the model's emergency where it was unsure of the courtesy (sure
            # of thanks, "my friend" after it is no emergency).
            return need
        asked = bool(need.choices) and result.confidence < CONFIDENT
        if need.intent == OUT_OF_SCOPE or (need.confidence < CONFIDENT and not asked):
            # Unsure of one topic and no other in sight: the courtesy's answer. With topics in
            # sight after a courtesy itself unsure, they are asked ("salam khoya, kayn chi
            # blasa fin nakol f tanja?", a place to eat, got "Hello! What do you need?").
            return result
        if need.intent == "goodbye":
            return need  # they are leaving, not asking for the menu again
        return result if words < 2 or need.intent in _COURTESIES else need

    async def _city_typed(self, turn: Turn, city: City) -> Reply:
        if handover.asking(turn):
            return await handover.city_given(turn, city)
        # What waited for the city, else the topic of the list on screen, as a location does.
        return await directory.city_chosen(turn, city, otherwise=turn.state.category)

    async def _language_besides_city(self, turn: Turn, result: ParseResult) -> str | None:
        """Return the language of the message's words besides a city's name: the name is
        spelled in the city's own language ("ana f lisboa" read as Portuguese, "salam, ana f
        torino" as Italian), not the person's."""
        city = await directory.named_city(turn, result)
        rest = directory.without_city(turn.message.text, city) if city else ""
        return (self._nlu.detect_language(rest) if rest else None) or result.language

    def _adopt_language(self, turn: Turn, detected: str | None, *, weak: bool) -> None:
        # A person writes in the language they want answers in, unless they chose one. A
        # `weak` message, a few words the model did not understand, is written alike in many
        # languages ("ok" reads as Turkish, "Tanger" as French, "delete my data" as Spanish):
        # it does not change a language already known from earlier messages or from the
        # person's phone.
        known = turn.state.detected_language or supported(turn.message.language_hint)
        text = turn.message.text
        if detected is not None and (own_letters(text, detected) or own_words(text, detected)):
            # Letters only one language writes say it in a word or two: "کمک میخوام" after a
            # "سلام" answered in Arabic stayed Arabic, and "yardım lazım" after a "slm"; and
            # so do words only one writes in Latin letters ("komak mikham", "yardim istiyorum").
            weak = False
        if detected in SUPPORTED_LOCALES and not (weak and known):
            turn.state.detected_language = detected
            if turn.state.language is None:
                turn.locale = detected

    async def _intent(self, turn: Turn, result: ParseResult) -> Reply:
        t = turn.t
        if result.intent == myths.RUMOUR and myths.guessed(result, turn.message.text):
            result = replace(result, intent=OUT_OF_SCOPE)
        category = Category.from_intent(result.intent)
        if result.intent == "emergency":
            return await directory.emergency(turn, result)
        if turn.after_emergency and (result.choices or result.intent in _AT_A_LOSS):
            # "What do I do?" under the emergency numbers: the numbers again, not the menu.
            return await directory.emergency(turn, None)
        if result.choices and myths.confirmed(result, turn.message.text):
            result = replace(result, choices=())
        if turn.after_fact is not None and self._another_myth(turn, result):
            # Under a fact, another myth named in a few words ("y los impuestos?", "et la
            # délinquance ?"): the model, unsure, asked about transport and jobs, or showed
            # the menu. Its fact, or the myths answered when the campaign has none for it.
            return await myths.answer(turn, replace(result, intent=myths.RUMOUR, response_key=None))
        if result.choices:
            # Not sure: ask rather than guess, keeping the city named for the topic pressed.
            if city := await directory.city_from(turn, result):
                turn.state.city = city.id
            myth = await myths.named(turn) if result.myth >= LEAST_CHOICE else None
            asked = render.ask_back(t, turn.locale, result.choices, myth=myth)
            offered = "|".join(row[0].payload for row in asked.buttons)
            if offered == turn.offered:
                # The question on screen, asked again ("beides" under it looped): the menu.
                return what_do_you_need(turn)
            await turn.record(result.intent, "asked_back")
            turn.state.offered = offered
            return asked
        if category is not None:
            return await directory.find(turn, category, result, result.intent)
        if result.intent == myths.RUMOUR:
            return await myths.answer(turn, result)
        if result.intent == handover.INTENT:
            if city := await directory.city_from(turn, result):
                turn.state.city = city.id
            return await handover.offer(turn, _category(turn.state.category))
        if result.intent in _CITY_KEPT and (city := await directory.named_city(turn, result)):
            # "Hola, estoy en Madrid": the city is kept for the question that comes next.
            turn.state.city = city.id
        await turn.record(result.intent, "answered")
        if result.intent == "greet":
            return render.menu(t, turn.locale, t.gettext("Hello! What do you need?"))
        if result.intent == "thanks":
            return render.menu(t, turn.locale, t.gettext("You are welcome. Anything else?"))
        if result.intent == "goodbye":
            return Reply(t.gettext("Goodbye. Write to me any time."), rtl=is_rtl(turn.locale))
        if result.intent == "bot_help":
            return render.menu(t, turn.locale, self._help_text(turn))
        # A myth told without who ("they get free houses"), which the model is unsure of:
        # with its words named, the myth is asked about.
        unsure_myth = result.intent == OUT_OF_SCOPE and result.myth >= LEAST_CHOICE
        if unsure_myth and (myth := await myths.named(turn)) is not None:
            await turn.record(myths.RUMOUR, "asked_back")
            asked = render.ask_back(t, turn.locale, (), myth=myth)
            turn.state.offered = "|".join(row[0].payload for row in asked.buttons)
            return asked
        if not _WORDS.search(turn.message.text):
            return await self._wordless(turn)
        if result.intent == OUT_OF_SCOPE and declined.said(turn.message.text):
            # Translators: the answer to a bare "no" or "not yet" (to "Anything else?", say).
            text = t.gettext("All right. Write to me when you need something, or choose a topic:")
            return render.menu(t, turn.locale, text)
        if result.intent == OUT_OF_SCOPE and OKAY.found(turn.message.text):
            # Translators: the answer to a bare "ok" after an answer.
            return render.menu(
                t, turn.locale, t.gettext("Anything else? Write it or choose a topic:")
            )
        await keep_unmet(
            turn.session, turn.message.text, turn.state.city, turn.locale,
            allowed=self._keep_unmet_questions,
        )  # fmt: skip
        return render.menu(
            t, turn.locale, t.gettext("Sorry, I did not understand. Choose a topic:")
        )

    async def _wordless(self, turn: Turn) -> Reply:
        """Answer a message without a word ("2", "👍", "?", "..."), or only a place ("the
        second"): nothing was asked that the directory could not answer, so nothing is kept
        as an unmet question."""
        if directory.city_awaited(turn):
            # A number or an emoji for "Which city are you in?", the question on screen.
            return await directory.ask_city(turn)
        if (pointed := await followups.numbered(turn)) is not None:
            return pointed
        return render.menu(turn.t, turn.locale, self._help_text(turn))

    # Locations ----------------------------------------------------------------------------

    async def _location(self, turn: Turn, point: tuple[float, float]) -> list[Reply]:
        # The point serves this one answer and is never stored: only the city is remembered
        # (the answer, with its distances, is erased with the turn's decision: replay.py).
        cities = await turn.cities()
        near = [(distance_m(point, (c.latitude, c.longitude)), c) for c in cities]
        distance, city = min(near, key=lambda pair: pair[0], default=(math.inf, None))
        if city is None or distance > NEAR_CITY_M:
            handover.leave(turn)  # the city buttons asked next are the directory's
            return [await directory.ask_city(turn)]
        if handover.asking(turn):
            return [await handover.city_given(turn, city)]
        # Shared under a list of results, the location asks for the same topic, nearest first.
        otherwise = turn.state.category
        return [await directory.city_chosen(turn, city, otherwise=otherwise, near=point)]


# A bare "ok" is neither thanks nor goodbye, and the model, trained to leave it out of scope,
# got "Sorry, I did not understand" for it: how people acknowledge an answer, as they type it.
_OKAY: dict[str, list[str]] = {
    "en": [
        "ok",
        "okay",
        "got it",
        "alright",
        "okie",
        "oki",
        "kk",
        "understood",
        "ok cool",
        "sounds good",
        "noted",
    ],
    "fr": [
        "d'accord",
        "dacc",
        "dac",
        "ok d'accord",
        "compris",
        "ça marche",
        "ca marche",
        "entendu",
        "okay daccord",
        "jai compris",
    ],
    "es": [
        "vale",
        "vale vale",
        "ok vale",
        "de acuerdo",
        "entendido",
        "esta bien",
        "ya entendi",
        "okey",
        "perfecto",
    ],
    "it": [
        "va bene",
        "ok va bene",
        "capito",
        "ho capito",
        "d'accordo",
        "daccordo",
        "va be",
        "perfetto",
        "vabbe",
        "intesi",
    ],
    "pt": [
        "ta bom",
        "tá bom",
        "beleza",
        "blz",
        "entendi",
        "ok entendi",
        "combinado",
        "perfeito",
        "ta ok",
    ],
    "de": [
        "alles klar",
        "okay alles klar",
        "verstanden",
        "ok verstanden",
        "klar",
        "passt",
        "in ordnung",
        "geht klar",
        "okidoki",
        "passt schon",
    ],
    "tr": [
        "tamam",
        "tmm",
        "tamamdır",
        "peki",
        "anladım",
        "anladim",
        "tamam anladim",
        "olur",
        "oldu",
        "tamamdir",
    ],
    "uk": [
        "добре",
        "добре зрозумів",
        "зрозуміло",
        "ясно",
        "окей",
        "ок",
        "хорошо",
        "ладно",
        "понятно",
        "dobre",
        "zrozumilo",
        "yasno",
    ],
    "fa": [
        "باشه",
        "اوکی",
        "خب",
        "خوب باشه",
        "فهمیدم",
        "bashe",
        "khob",
        "fahmidam",
        "okey bashe",
        "درست است",
        "خوبه",
    ],
    "ar": [
        "طيب",
        "تمام",
        "اوكي",
        "فهمت",
        "واخا",
        "باهي",
        "ماشي الحال",
        "tayeb",
        "wakha",
        "behi",
    ],
}
OKAY = Phrasebook(_OKAY, most_words=3)

# "thanks, bye" is thanks and goodbye at once, and the model, torn between the two, is sure of
# neither: "Danke, tschüss", "merci, au revoir" and "thanks, bye" got "Sorry, I did not
# understand", "до свидания" "Do you mean: Transport?". A message of nothing but these words,
# one of leaving among them, is a goodbye.
_LEAVING_WORDS = frozenset(
    normalised(
        "bye goodbye byebye cya later ciao revoir adieu adiós chao chau arrivederci tchau xau "
        "adeus tschüss tschau wiedersehen pfiat побачення бувай бувайте пока свидания "
        "pobachennya pobachenya buvay buvaite poka "
        "باي بای سلامة السلامة بالسلامة بسلامة وداعا bslama beslama bslema salama "
        "bislema beslema bislama bsalama "
        "خداحافظ خدافظ خداحافظی khodafez khodahafez khodafes "
        "hoşçakal hoşça görüşürüz gorusuruz güle baybay"
    ).split()
)
_COURTESY_WORDS = _LEAVING_WORDS | frozenset(
    normalised(
        "thanks thank thanx thx ty you u so much very lot a ok okay and see soon "
        "merci beaucoup bcp au plus bientôt et "
        "gracias muchas mil hasta luego pronto nos vemos y "
        "grazie mille tante presto e "
        "obrigado obrigada brigado valeu muito até logo mais breve "
        "danke dank vielen sehr schön auf bis bald und "
        "дякую спасибі спасибо большое щиро дуже до и і та dyakuyu spasybi spasibo "
        "شكرا جزيلا بزاف كتير يعطيك العافية مع و shokran shukran choukran chokran bzaf ktir "
        "ya3tik yaychek ya3aychek y3aychek 3aychek barcha khouya "
        "ممنون ممنونم مرسی متشکرم مچکرم خیلی mamnun mamnoon mersi kheili "
        "teşekkür teşekkürler ederim sağol sağ ol çok kal"
    ).split()
)
# The words of thanks among them: a message of courtesy words with one of these, and none of
# leaving, is thanks ("yaychek", thanks in Tunis, got "Sorry, I did not understand").
_THANKS_WORDS = frozenset(
    normalised(
        "thanks thank thanx thx merci gracias grazie obrigado obrigada brigado danke дякую "
        "спасибі спасибо شكرا shokran shukran choukran chokran ya3tik yaychek ya3aychek "
        "y3aychek 3aychek ممنون ممنونم مرسی متشکرم مچکرم mamnun mamnoon mersi teşekkür "
        "teşekkürler sağol"
    ).split()
)


def _leaving(text: str, result: ParseResult) -> bool:
    """Tell whether `text` only takes leave, with thanks or not, where the model is unsure
    or reads a courtesy ("ممنون خدافظ", read as thanks, got "Anything else?")."""
    if result.danger or result.intent == EMERGENCY:
        return False
    if result.intent not in _COURTESIES and result.intent != OUT_OF_SCOPE and not result.choices:
        return False
    words = set(normalised(text).split())
    return bool(words & _LEAVING_WORDS) and words <= _COURTESY_WORDS


def _thanking(text: str, result: ParseResult) -> bool:
    """Tell whether `text` only thanks, where the model is unsure of it."""
    if result.danger or result.intent == EMERGENCY:
        return False
    if result.intent != OUT_OF_SCOPE and not result.choices:
        return False
    words = set(normalised(text).split())
    return bool(words & _THANKS_WORDS) and words <= _COURTESY_WORDS


def _need_named_beside_danger(text: str, result: ParseResult) -> ParseResult:
    """Return `result` with the one need its words name (nlu/topic_words) to answer after the
    numbers, where words of danger made it an emergency the model was sure of and no need was
    kept: "mon mari me frappe, je ne sais pas où aller" (0.99) got the numbers alone. Where
    the model was unsure, the client already puts the need named before the model's guess."""
    if result.intent != EMERGENCY or not result.danger or result.need is not None:
        return result
    named = topic_words.topics_named(text)
    return replace(result, need=named.pop()) if len(named) == 1 else result


# Words of leaving that greet too: "ciao" to begin says hello ("ciao", the first message, got
# "Arrivederci").
_HELLO_OR_BYE = frozenset(normalised("ciao").split())


def _greeting_first(turn: Turn, text: str) -> bool:
    """Tell whether `text` begins the conversation with words of leaving that greet too, and
    nothing else ("grazie mille ciao" takes leave): nothing answered yet, neither a question
    nor a list."""
    state = turn.state
    if state.last_intent is not None or state.category is not None:
        return False
    return set(normalised(text).split()) <= _HELLO_OR_BYE


# What a person at a loss writes under the emergency numbers ("what do I do", "please",
# "he is not answering") is read as a plea for help, or not understood.
_AT_A_LOSS = frozenset({"bot_help", OUT_OF_SCOPE})


def _shared_greeting(turn: Turn, result: ParseResult) -> tuple[str, ...]:
    """Return the languages of a greeting written alike in several ("salam", "سلام") when it
    is how the person begins: no language chosen, none told by earlier messages."""
    state = turn.state
    if result.intent != "greet" or result.danger or state.language or state.detected_language:
        return ()
    return shared_greeting(turn.message.text)


def _languages_offered(turn: Turn, text: str) -> Reply:
    """Return `text` with the language buttons, which a language typed by its name picks."""
    buttons = render.language_buttons()
    turn.state.offered = "|".join(button.payload for row in buttons for button in row)
    return Reply(text, buttons, rtl=is_rtl(turn.locale))


# A language as its button names it, typed rather than pressed ("فارسی", "espanol", "Türkçe").
_LANGUAGE_NAMES = {normalised(name): f"lang:{code}" for code, name in NATIVE_NAMES.items()}


# The "Something else" of the questions a refusal answers: "Do you mean:", and a person's
# "What would you like to talk about?".
_SOMETHING_ELSE = frozenset({"menu", f"human:cat:{handover.ANY_TOPIC}"})


def _picked(turn: Turn) -> str | None:
    """Return the payload of the button a bare number ("2", "٢", "۲", "2."), an ordinal ("the
    second") or a language's name picks among those offered in the last reply, "Something
    else" that a refusal ("none of these") picks, or the first topic that "both" picks (the
    second kept in `turn.also`), else None; what was offered is forgotten either way."""
    offered = turn.offered = turn.state.offered
    turn.state.offered = None
    message = turn.message
    if offered is None or message.kind != "text":
        return None
    payloads = offered.split("|")
    named = _LANGUAGE_NAMES.get(normalised(message.text))
    if named in payloads:
        return named
    if mentions_danger(message.text):
        return None  # never a button instead of the numbers
    # "Something else", typed: "none of these", "no", "ninguno" (answered "Sorry, I did not
    # understand", or read by the model as a greeting, in a QA pass).
    if choice_typed.refused(message.text):
        if any(p.startswith(("city:", "human:city:")) for p in payloads):
            return None  # none of the cities: answered as such (directory.cities_refused)
        return next((p for p in payloads if p in _SOMETHING_ELSE), None)
    topics = [payload for payload in payloads if payload.startswith("cat:")]
    if choice_typed.both(message.text) and len(topics) >= 2:
        # "beides" under "Meinen Sie: Essen · Rechtshilfe": the first, and the second under it.
        turn.also = "find_" + topics[1].removeprefix("cat:")
        return topics[0]
    # "le premier" under "Vous voulez dire :" got another question, "el segundo" the numbers.
    number = typed_number(message.text) or choice_typed.ordinal(message.text)
    if number is None:
        return None
    return payloads[number - 1] if 0 < number <= len(payloads) else None


def _placed(text: str) -> bool:
    """Tell whether `text` is only a place in a list ("the second"), and no word of danger."""
    return choice_typed.ordinal(text) is not None and not mentions_danger(text)


def _media_unseen(turn: Turn, replies: list[Reply]) -> list[Reply]:
    """Say under the answer to words sent with a photo, a video or a file that only the words
    were read: the person may think the picture itself was seen (the emergency numbers, when
    the words asked for them, stay first)."""
    # Translators: under the answer to the words a person sent with a photo, video or file.
    note = turn.t.gettext("I cannot see photos, videos or files: I read your words.")
    if not replies:  # a volunteer has the conversation, and sees only the words too
        return [Reply(note, rtl=is_rtl(turn.locale))]
    *first, last = replies
    return [*first, replace(last, text=f"{last.text}\n\n{note}")]


def _one_word(text: str) -> bool:
    """Tell whether `text` says one word at most, however often ("ok", "Lyon!", "ok ok")."""
    return len(set(_WORDS.findall(text.casefold()))) <= 1


# Up to this many different words, a message the model did not understand is too short for
# its language to be told apart ("delete my data" reads as Spanish, "ok" as Turkish).
FEW_WORDS = 3


def _few_words(text: str) -> bool:
    """Tell whether `text` says FEW_WORDS different words at most."""
    return len(set(_WORDS.findall(text.casefold()))) <= FEW_WORDS


def _category(value: str | None) -> Category | None:
    return Category(value) if value is not None and value in Category._value2member_map_ else None


ReplyHandler = Callable[[IncomingMessage], Awaitable[list[Reply]]]


class Unavailable(Exception):
    """The database failed during a turn (down, restarting): nothing of the turn was kept,
    so it can be tried again. `apology` is the answer for a turn that is not."""

    def __init__(self, apology: list[Reply]) -> None:
        super().__init__("database unavailable")
        self.apology = apology
