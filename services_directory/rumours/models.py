"""A rumour: its key, the myth in each language, the fact that answers it, and its source."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

FALLBACK_LOCALE = "en"


class Rumour(Base):
    """A myth the campaign answers; `key` is the `<key>` of the NLU's `rumour/<key>`."""

    __tablename__ = "rumour"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source_url: Mapped[str] = mapped_column(String(500))
    # {locale: text}: a few short texts, read whole and never queried inside (like city names).
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    facts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # {locale: [how people say the myth]}: trained as examples of `rumour/<key>`, on top of
    # those shipped in nlu/rasa/data.
    phrasings: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # Optimistic concurrency, as for services: a stale edit fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def title(self, locale: str) -> str:
        """Return the myth's short title in `locale`, else in English."""
        return _localized(self.titles, locale) or self.key

    def fact(self, locale: str) -> str:
        """Return the fact in `locale`, else in English."""
        return _localized(self.facts, locale) or ""


def _localized(texts: dict[str, str], locale: str) -> str | None:
    language = locale.split("_")[0]
    found = texts.get(locale) or texts.get(language) or texts.get(FALLBACK_LOCALE)
    return found or next(iter(texts.values()), None)
