"""What migrants see: a service's card as the bot writes it, in each of its languages.

The text comes from the bot's own card rendering, which the app hands to the portal
(`app.state.card_text`): admin_api imports nothing of the bot, and there is no second copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.portal.i18n import LANGUAGES, is_rtl
from services_directory.listings.models import Service
from services_directory.search.index import indexed
from services_directory.search.service import ServiceCard, card_of, city_time

CardText = Callable[[str, ServiceCard, dt.date], str]


@dataclass(frozen=True, slots=True)
class Preview:
    """One language's card: its code, the text as the bot sends it, and its direction."""

    locale: str
    text: str
    rtl: bool


async def previews(
    session: AsyncSession, service: Service, card_text: CardText, now: dt.datetime
) -> list[Preview]:
    """Return the service's card in each interface language it has a name in, at `now`."""
    found = indexed(service)
    if found is None:
        return []
    entry, card = found
    local_now = await city_time(session, entry.city_id, now)
    locales = [code for code in LANGUAGES if code in card.texts]
    return [
        Preview(code, card_text(code, card_of(entry, card, code, local_now), local_now.date()),
                is_rtl(code))
        for code in locales
    ]  # fmt: skip
