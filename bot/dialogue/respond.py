"""Deciding what to answer: commands, buttons, and free text through NLU."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from babel.support import NullTranslations
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.campaigns import subscriptions
from bot.dialogue import myths, render
from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, supported, translations
from bot.messages import Button, IncomingMessage, Reply
from bot.state import ConversationState, StateStore
from core import usage
from core.pseudonym import pseudonym
from core.settings import Settings
from core.unmet import keep_unmet
from nlu.client import NLUClient, ParseResult
from nlu.errors import NLUUnavailable
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import get_city, list_cities, match_city
from services_directory.search.service import distance_m, elsewhere, search_services

log = logging.getLogger(__name__)

PAGE_SIZE = 5
# A shared location farther than this from every city served is not taken as one of them.
NEAR_CITY_M = 50_000
# Remembered when the emergency numbers were shown before the city was known.
EMERGENCY_PENDING = "emergency"


@dataclass(slots=True)
class Turn:
    """One message being answered: who (pseudonymously), in which language, with what state."""

    message: IncomingMessage
    key: str
    state: ConversationState
    locale: str
    session: AsyncSession
    forget: bool = False  # erase everything kept for this chat once the turn is answered

    @property
    def t(self) -> NullTranslations:
        """The catalog of the turn's locale."""
        return translations(self.locale)


class Dialogue:
    """The conversation logic shared by every channel."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        states: StateStore,
        nlu: NLUClient,
        pseudonym_key: bytes,
        settings: Settings | None = None,
    ) -> None:
        self._sessions = sessions
        self._states = states
        self._nlu = nlu
        self._pseudonym_key = pseudonym_key
        # Only for the city's choice to keep scrubbed unanswered questions (off by default).
        self._settings = settings

    async def respond(self, message: IncomingMessage) -> list[Reply]:
        """Return the replies to one incoming message; never an empty list for a person."""
        key = pseudonym(self._pseudonym_key, message.channel, message.chat_id)
        state = await self._states.load(key)
        locale = self._locale(state, message)
        try:
            async with self._sessions() as session, session.begin():
                turn = Turn(message, key, state, locale, session)
                replies = await self._dispatch(turn)
        except Exception:
            # Whatever broke, the person who wrote gets an answer, not silence.
            log.exception("dialogue.failed channel=%s kind=%s", message.channel, message.kind)
            t = translations(locale)
            text = t.gettext("Sorry, something went wrong on my side. Please try again soon.")
            return [render.menu(t, locale, text)]
        if turn.forget:
            await self._states.forget(key)
        else:
            await self._states.save(key, turn.state)
        return replies

    def _locale(self, state: ConversationState, message: IncomingMessage) -> str:
        return (
            state.language
            or state.detected_language
            or supported(message.language_hint)
            or DEFAULT_LOCALE
        )

    async def _dispatch(self, turn: Turn) -> list[Reply]:
        message = turn.message
        if message.kind == "command":
            return await self._command(turn)
        if message.kind == "button":
            return await self._button(turn, message.payload)
        if message.kind == "text" and message.text.strip().casefold() == "stop":
            return [await myths.stop(turn)]  # how people leave a list on WhatsApp
        if message.kind == "text" and message.text.strip():
            return await self._text(turn)
        if message.latitude is not None and message.longitude is not None:
            return await self._location(turn, (message.latitude, message.longitude))
        return [
            render.menu(
                turn.t,
                turn.locale,
                turn.t.gettext("I can read text messages and buttons. What do you need?"),
            )
        ]

    # Commands -----------------------------------------------------------------------------

    async def _command(self, turn: Turn) -> list[Reply]:
        command = turn.message.text.split()[0].split("@")[0].lower()
        t = turn.t
        if command == "/start":
            text = "\n\n".join(
                [
                    t.gettext(
                        "Welcome to Dalil. I help you find services near you: health, "
                        "housing, school, work, legal help, food and transport."
                    ),
                    t.gettext(
                        "Privacy: I keep only your language and city, for 30 days, "
                        "never your name or number. Send /forget to erase them."
                    ),
                    t.gettext("Choose your language:"),
                ]
            )
            return [Reply(text, render.language_buttons(), rtl=is_rtl(turn.locale))]
        if command == "/language":
            return [Reply(t.gettext("Choose your language:"), render.language_buttons())]
        if command == "/city":
            return [await self._ask_city(turn)]
        if command == "/forget":
            turn.state = ConversationState()
            turn.forget = True
            text = t.gettext("Done: I erased your language and city. Send /start to begin again.")
            if await subscriptions.unsubscribe(turn.session, turn.key):
                text += "\n\n" + t.gettext("I also stopped the facts you asked for.")
            return [Reply(text, rtl=is_rtl(turn.locale))]
        if command == "/stop":
            return [await myths.stop(turn)]
        if command == "/help":
            return [render.menu(t, turn.locale, self._help_text(turn))]
        return [render.menu(t, turn.locale, t.gettext("What do you need?"))]

    def _help_text(self, turn: Turn) -> str:
        return turn.t.gettext(
            'Write what you need in your own words, for example "I need a doctor", '
            "or choose a topic. Commands: /language, /city, /forget."
        )

    # Buttons ------------------------------------------------------------------------------

    async def _button(self, turn: Turn, payload: str) -> list[Reply]:
        kind, _, value = payload.partition(":")
        if kind == "lang" and value in SUPPORTED_LOCALES:
            turn.state.language = turn.locale = value
            if turn.state.city is None:
                return [await self._ask_city(turn)]
            return [render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))]
        if kind == "city" and value:
            city = await get_city(turn.session, value)
            if city is None:
                return [await self._ask_city(turn)]
            turn.state.city = city.id
            pending = turn.state.pending_category
            turn.state.pending_category = None
            if pending == EMERGENCY_PENDING:
                return [await self._emergency(turn, None)]
            if pending:
                return [await self._search(turn, Category(pending), city, "find_" + pending)]
            return [render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))]
        if kind == "city":
            return [await self._ask_city(turn)]
        if kind == "cat" and value in Category.__members__.values():
            return [await self._find(turn, Category(value), None, "find_" + value)]
        if kind == "more" and turn.state.category and turn.state.city:
            city = await get_city(turn.session, turn.state.city)
            if city is not None:
                turn.state.page += 1
                return [await self._search(turn, Category(turn.state.category), city, "more")]
        if kind == "emergency":
            return [await self._emergency(turn, None)]
        if kind == "myths":
            return [await myths.show_menu(turn)]
        if kind == "myth" and value:
            return [await myths.show_fact(turn, value, self._record)]
        if kind == "share" and value:
            return await myths.share(turn, value)
        if kind == "sub":
            return [await myths.subscribe(turn, self._pseudonym_key)]
        if kind == "unsub":
            return [await myths.stop(turn)]
        if kind == "where":
            return [render.location_request(turn.t, turn.locale)]
        if kind == "fb" and value in ("up", "down"):
            rating: usage.Feedback = "up" if value == "up" else "down"
            await self._record(
                turn, "feedback", usage.FEEDBACK_OUTCOME, category=_category(turn.state.category),
                feedback=rating,
            )  # fmt: skip
            text = turn.t.gettext("Thank you! This helps us improve Dalil.")
            return [render.menu(turn.t, turn.locale, text)]
        return [render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))]

    # Free text ----------------------------------------------------------------------------

    async def _text(self, turn: Turn) -> list[Reply]:
        text = turn.message.text
        try:
            result = await self._nlu.parse(text)
        except NLUUnavailable:
            self._adopt_language(turn, self._nlu.detect_language(text))
            await self._record(turn, "unavailable", "fallback")
            return [
                render.menu(
                    turn.t,
                    turn.locale,
                    turn.t.gettext(
                        "Sorry, I cannot understand messages right now. Choose a topic:"
                    ),
                )
            ]
        self._adopt_language(turn, result.language)
        turn.state.last_intent = result.intent
        if result.need is not None:
            # Emergency numbers first, then the need the person also asked about. The need
            # is answered first so that a city still to be chosen goes to the emergency.
            need = await self._intent(turn, replace(result, intent=result.need))
            return [await self._emergency(turn, result), need]
        return [await self._intent(turn, result)]

    def _adopt_language(self, turn: Turn, detected: str | None) -> None:
        # A person writes in the language they want answers in, unless they chose one.
        if detected in SUPPORTED_LOCALES:
            turn.state.detected_language = detected
            if turn.state.language is None:
                turn.locale = detected

    async def _intent(self, turn: Turn, result: ParseResult) -> Reply:
        t = turn.t
        category = Category.from_intent(result.intent)
        if result.intent == "emergency":
            return await self._emergency(turn, result)
        if result.choices:
            # Not sure: ask rather than guess, keeping the city named for the topic pressed.
            if city := await self._city_from(turn, result):
                turn.state.city = city.id
            await self._record(turn, result.intent, "asked_back")
            return render.ask_back(t, turn.locale, result.choices)
        if category is not None:
            return await self._find(turn, category, result, result.intent)
        if result.intent == myths.RUMOUR:
            return await myths.answer(turn, result, self._record)
        await self._record(turn, result.intent, "answered")
        if result.intent == "greet":
            return render.menu(t, turn.locale, t.gettext("Hello! What do you need?"))
        if result.intent == "thanks":
            return render.menu(t, turn.locale, t.gettext("You are welcome. Anything else?"))
        if result.intent == "goodbye":
            return Reply(t.gettext("Goodbye. Write to me any time."), rtl=is_rtl(turn.locale))
        if result.intent == "bot_help":
            return render.menu(t, turn.locale, self._help_text(turn))
        if self._settings is not None:
            await keep_unmet(
                turn.session, self._settings, turn.message.text, turn.state.city, turn.locale
            )
        return render.menu(
            t, turn.locale, t.gettext("Sorry, I did not understand. Choose a topic:")
        )

    # Locations ----------------------------------------------------------------------------

    async def _location(self, turn: Turn, point: tuple[float, float]) -> list[Reply]:
        # The point serves this one answer and is never stored: only the city is remembered.
        cities = await list_cities(turn.session)
        near = [(distance_m(point, (c.latitude, c.longitude)), c) for c in cities]
        distance, city = min(near, key=lambda pair: pair[0], default=(math.inf, None))
        if city is None or distance > NEAR_CITY_M:
            return [await self._ask_city(turn)]
        turn.state.city = city.id
        pending = turn.state.pending_category
        turn.state.pending_category = None
        if pending == EMERGENCY_PENDING:
            return [await self._emergency(turn, None)]
        category = pending or turn.state.category
        if category is None:
            return [render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))]
        turn.state.page = 1
        return [await self._search(turn, Category(category), city, "find_" + category, point)]

    # Answers ------------------------------------------------------------------------------

    async def _city_from(self, turn: Turn, result: ParseResult | None) -> City | None:
        cities = await list_cities(turn.session)
        city = None
        if result is not None:
            named = result.entity("city")
            city = next((c for c in cities if c.id == named), None) if named else None
            city = city or match_city(cities, turn.message.text)
        if city is None and turn.state.city:
            city = next((c for c in cities if c.id == turn.state.city), None)
        return city

    async def _find(
        self, turn: Turn, category: Category, result: ParseResult | None, intent: str
    ) -> Reply:
        city = await self._city_from(turn, result)
        if city is None:
            turn.state.pending_category = category.value
            await self._record(turn, intent, "asked_city", category=category)
            return await self._ask_city(turn)
        turn.state.city = city.id
        turn.state.page = 1
        return await self._search(turn, category, city, intent)

    async def _search(
        self,
        turn: Turn,
        category: Category,
        city: City,
        intent: str,
        near: tuple[float, float] | None = None,
    ) -> Reply:
        page = max(turn.state.page, 1)
        found = await search_services(
            turn.session,
            category=category,
            city_id=city.id,
            locale=turn.locale,
            language=turn.locale,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            near=near,
        )
        turn.state.category = category.value
        t = turn.t
        if not found.cards:
            await self._record(turn, intent, "no_result", category=category, city=city.id)
            return await self._alternatives(turn, category, city)
        await self._record(turn, intent, "results", category=category, city=city.id)
        return render.results(
            t,
            turn.locale,
            category=category,
            city=city,
            cards=found.cards,
            first_number=(page - 1) * PAGE_SIZE + 1,
            # "More" could not continue nearest-first: the point is not kept for a next page.
            has_more=near is None and page * PAGE_SIZE < found.total,
        )

    async def _alternatives(self, turn: Turn, category: Category, city: City) -> Reply:
        """Nothing here: the nearest cities that have the topic, and the topics this city has."""
        found = await elsewhere(turn.session, city_id=city.id, category=category)
        here = (city.latitude, city.longitude)
        others = [c for c in await list_cities(turn.session) if c.id in found.cities - {city.id}]
        others.sort(key=lambda c: distance_m(here, (c.latitude, c.longitude)))
        with_topic = others[:2]
        topics = [c for c in Category if c != category and c.value in found.categories]
        # Pressing one of those cities continues with the same topic there.
        turn.state.pending_category = category.value
        return render.no_result(
            turn.t, turn.locale, category=category, city=city, other_cities=with_topic,
            other_categories=topics,
        )  # fmt: skip

    async def _emergency(self, turn: Turn, result: ParseResult | None) -> Reply:
        # Never ask anything first: with no known city, show every city's numbers at once,
        # and offer the city buttons to narrow them down.
        city = await self._city_from(turn, result)
        if city is not None:
            loaded = await get_city(turn.session, city.id)
            cities = [loaded] if loaded is not None else []
        else:
            cities = await list_cities(turn.session, with_numbers=True)
        numbers = [(c, list(c.emergency_numbers)) for c in cities]
        await self._record(turn, "emergency", "emergency", city=city.id if city else None)
        choice: tuple[tuple[Button, ...], ...] = ()
        if city is None:
            turn.state.pending_category = EMERGENCY_PENDING
            choice = render.city_buttons([loaded for loaded, _ in numbers], turn.locale)
        return render.emergency_numbers(turn.t, turn.locale, numbers, choice)

    async def _ask_city(self, turn: Turn) -> Reply:
        cities = await list_cities(turn.session)
        return Reply(
            turn.t.gettext("Which city are you in?"),
            render.city_buttons(cities, turn.locale),
            rtl=is_rtl(turn.locale),
        )

    async def _record(
        self,
        turn: Turn,
        intent: str,
        outcome: str,
        *,
        category: Category | None = None,
        city: str | None = None,
        feedback: usage.Feedback | None = None,
    ) -> None:
        await usage.record(
            turn.session,
            channel=turn.message.channel,
            language=turn.locale,
            intent=intent,
            outcome=outcome,
            city=city or turn.state.city,
            category=category.value if category else None,
            feedback=feedback,
        )
        log.info(
            "dialogue.turn channel=%s locale=%s intent=%s outcome=%s",
            turn.message.channel, turn.locale, intent, outcome,
        )  # fmt: skip


def _category(value: str | None) -> Category | None:
    return Category(value) if value is not None and value in Category._value2member_map_ else None


ReplyHandler = Callable[[IncomingMessage], Awaitable[list[Reply]]]
