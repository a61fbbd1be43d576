"""One message being answered: what every part of the dialogue reads and changes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from babel.support import NullTranslations
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translations
from bot.messages import IncomingMessage
from bot.state import ConversationState
from core import usage
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import list_cities

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Turn:
    """One message being answered: who (pseudonymously), in which language, with what state."""

    message: IncomingMessage
    key: str
    state: ConversationState
    locale: str
    session: AsyncSession
    now: dt.datetime  # timezone-aware, from the dialogue's clock
    forget: bool = False  # erase everything kept for this chat once the turn is answered
    # The answer before this turn's was the emergency numbers (state.urgent, read once).
    after_emergency: bool = False
    # The myth whose fact the answer before this turn's was (state.fact, read once).
    after_fact: str | None = None
    # The number of the service whose card alone the answer before this turn's was
    # (state.card, read once).
    after_card: int = 0
    # The buttons the answer before this turn's offered to pick by number (state.offered).
    offered: str | None = None
    # A need the message tells besides the one answered, after "and" (bot/dialogue/two_needs).
    also: str | None = None
    # Every city, read once per turn: a question before the city is known reads them to
    # look for a name in the text, then again for the buttons that ask which one.
    _cities: list[City] | None = field(default=None, repr=False)

    async def cities(self) -> list[City]:
        """Every city served, ordered by id (read at most once in the turn's transaction)."""
        if self._cities is None:
            self._cities = await list_cities(self.session)
        return self._cities

    @property
    def t(self) -> NullTranslations:
        """The catalog of the turn's locale."""
        return translations(self.locale)

    async def record(
        self,
        intent: str,
        outcome: str,
        *,
        category: Category | None = None,
        city: str | None = None,
        district: str | None = None,
        feedback: usage.Feedback | None = None,
    ) -> None:
        """Record the anonymous usage event of this turn, and log it without the text."""
        await usage.record(
            self.session,
            channel=self.message.channel,
            language=self.locale,
            intent=intent,
            outcome=outcome,
            city=city or self.state.city,
            district=district,
            category=category.value if category else None,
            feedback=feedback,
            today=self.now.astimezone(dt.UTC).date(),
        )
        log.info(
            "dialogue.turn channel=%s locale=%s intent=%s outcome=%s",
            self.message.channel, self.locale, intent, outcome,
        )  # fmt: skip
