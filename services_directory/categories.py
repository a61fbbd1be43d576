"""Service categories; they follow the NLU `find_*` intents one to one."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """A top-level service category."""

    HEALTH = "health"
    HOUSING = "housing"
    EDUCATION = "education"
    JOBS = "jobs"
    LEGAL = "legal"
    SOCIAL_SUPPORT = "social_support"
    MOBILITY = "mobility"

    @classmethod
    def from_intent(cls, intent: str) -> Category | None:
        """Return the category a `find_*` intent asks for, or None."""
        if not intent.startswith("find_"):
            return None
        try:
            return cls(intent.removeprefix("find_"))
        except ValueError:
            return None
