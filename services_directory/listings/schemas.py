"""What editors may change about a service or an organisation, checked the same way everywhere."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services_directory.categories import Category

_DAYS = r"(MO|TU|WE|TH|FR|SA|SU)"
# [0-9], not \d: pydantic's \d takes any digit ("08:3٠"), which `time.fromisoformat` does not.
_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_LOCALE = r"^[a-z]{2,3}(_[A-Z]{2})?$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_PHONE = r"^\+?[0-9 ().\-/]+$"
_URL = r"^https?://\S+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TranslationIn(_Strict):
    """Text of a service in one locale."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    eligibility: str | None = Field(None, max_length=1000)
    fees: str | None = Field(None, max_length=500)


class PhoneIn(_Strict):
    """A phone number of the service."""

    number: str = Field(min_length=3, max_length=40, pattern=_PHONE)
    description: str | None = Field(None, max_length=200)


class ContactIn(_Strict):
    """A person or desk to ask for (staff of the association, never a migrant)."""

    name: str = Field(min_length=1, max_length=120)
    title: str | None = Field(None, max_length=120)
    email: str | None = Field(None, max_length=200, pattern=_EMAIL)
    phone: str | None = Field(None, min_length=3, max_length=40, pattern=_PHONE)


class ServiceAreaIn(_Strict):
    """An area the service is limited to, e.g. "residents of Favoriten"."""

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=1000)


class ScheduleIn(_Strict):
    """A weekly opening period, or a closure over a date range, in the city's local time."""

    byday: str = Field(pattern=rf"^{_DAYS}(,{_DAYS})*$", examples=["MO,TU,WE"])
    opens_at: str = Field(pattern=_HHMM, examples=["09:00"])
    closes_at: str = Field(pattern=_HHMM, examples=["17:00"])
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    closed: bool = False
    description: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ScheduleIn:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        return self


class LocationIn(_Strict):
    """Where the service is delivered."""

    name: str | None = Field(None, max_length=200)
    city_id: str = Field(min_length=1, max_length=40)
    district: str | None = Field(None, max_length=80)
    address_1: str = Field(min_length=1, max_length=300)
    postal_code: str | None = Field(None, max_length=16)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    accessibility: str | None = Field(None, max_length=1000)


OperatingStatus = Literal["active", "inactive", "defunct", "temporarily closed"]


class ServiceFields(_Strict):
    """Everything an editor may change about a service."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    category: Category
    terms: list[str] = Field(default_factory=list, max_length=20)
    eligibility_tags: list[str] = Field(default_factory=list, max_length=10)
    by_appointment: bool = False
    is_free: bool = True
    email: str | None = Field(None, max_length=200, pattern=_EMAIL)
    url: str | None = Field(None, max_length=500, pattern=_URL)
    operating_status: OperatingStatus = "active"
    translations: dict[str, TranslationIn] = Field(default_factory=dict, max_length=30)
    languages: list[str] = Field(default_factory=list, max_length=30)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    schedules: list[ScheduleIn] = Field(default_factory=list, max_length=50)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=10)
    service_areas: list[ServiceAreaIn] = Field(default_factory=list, max_length=20)
    location: LocationIn

    @model_validator(mode="after")
    def _codes(self) -> ServiceFields:
        for code in [*self.translations, *self.languages]:
            if not re.match(_LOCALE, code):
                raise ValueError(f"{code!r} is not a language code like `ar` or `fa_AF`")
        # Sets in meaning: one canonical order, so an unchanged listing compares equal.
        self.terms = sorted(set(self.terms))
        self.eligibility_tags = sorted(set(self.eligibility_tags))
        self.languages = sorted(set(self.languages))
        return self


EDITABLE_FIELDS = frozenset(ServiceFields.model_fields)


class OrganizationIn(_Strict):
    """A new organisation."""

    id: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    email: str | None = Field(None, max_length=200, pattern=_EMAIL)
    website: str | None = Field(None, max_length=500, pattern=_URL)


class OrganizationPatch(_Strict):
    """The fields of an organisation to change; the id never changes."""

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    email: str | None = Field(None, max_length=200, pattern=_EMAIL)
    website: str | None = Field(None, max_length=500, pattern=_URL)
