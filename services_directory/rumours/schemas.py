"""The editable shape of a rumour, checked the same way wherever it comes from."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services_directory.rumours.models import FALLBACK_LOCALE

# The key travels in button payloads (`myth:<key>`, at most 64 bytes on Telegram) and in the
# NLU's retrieval intent `rumour/<key>`: short, lower-case ASCII.
KEY_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Fact = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=700)]
# One line each: a phrasing becomes one line of a YAML list of training examples.
Phrasing = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=200, pattern=r"^[^\r\n]+$"),
]


class RumourFields(BaseModel):
    """Everything the city team may change about a rumour (its key never changes)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source_url: str = Field(max_length=500, pattern=r"^https://[^\s/]+\.[^\s]+$")
    titles: dict[str, Title] = Field(max_length=30)
    facts: dict[str, Fact] = Field(max_length=30)
    phrasings: dict[str, list[Phrasing]] = Field(default_factory=dict, max_length=30)

    @model_validator(mode="after")
    def _languages(self) -> RumourFields:
        for code in [*self.titles, *self.facts, *self.phrasings]:
            if not _LOCALE.match(code):
                raise ValueError(f"{code!r} is not a language code like `ar` or `fa_AF`")
        # Every reader gets an answer: English is where any other language falls back.
        for name, by_locale in (("titles", self.titles), ("facts", self.facts)):
            if FALLBACK_LOCALE not in by_locale:
                raise ValueError(f"{name} must include English (`en`), the fallback language")
        for code, texts in self.phrasings.items():
            if len(texts) > 50:
                raise ValueError(f"at most 50 phrasings per language ({code} has {len(texts)})")
        # Sets in meaning: one canonical order, so an unchanged rumour compares equal.
        self.phrasings = {
            code: sorted(dict.fromkeys(texts)) for code, texts in sorted(self.phrasings.items())
            if texts
        }  # fmt: skip
        return self


class RumourIn(RumourFields):
    """A new rumour: its key, and whether the bot offers it at once."""

    key: str = Field(pattern=KEY_PATTERN, examples=["take_jobs"])
    active: bool = True


EDITABLE_FIELDS = frozenset(RumourFields.model_fields)
