"""Listings shaped after Open Referral HSDS 3.0, with per-locale translations beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base


class Organization(Base):
    """HSDS organization: the association, clinic or office that runs services."""

    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    services: Mapped[list[Service]] = relationship(back_populates="organization", lazy="raise")


class Service(Base):
    """HSDS service. `name` and `description` are in the organisation's working language."""

    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(24), index=True)
    # HSDS: active, inactive, defunct, temporarily closed
    status: Mapped[str] = mapped_column(String(24), default="active")
    # Ours: draft → pending_review → published → archived; migrants see published only.
    review_state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Optimistic concurrency: every update bumps it, a stale one fails (no lost edits).
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    by_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    # An association's changes to a published service waiting for the city team: field name
    # to proposed value, as ServiceFields dumps them. Never shown to migrants.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    @property
    def changes_proposed(self) -> bool:
        """Whether it is published with an association's changes waiting for review."""
        return self.review_state == "published" and bool(self.pending)

    organization: Mapped[Organization] = relationship(back_populates="services", lazy="raise")
    translations: Mapped[list[ServiceTranslation]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(lazy="raise", cascade="all, delete-orphan")
    schedules: Mapped[list[Schedule]] = relationship(lazy="raise", cascade="all, delete-orphan")
    languages: Mapped[list[ServiceLanguage]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[Contact]] = relationship(lazy="raise", cascade="all, delete-orphan")
    service_areas: Mapped[list[ServiceArea]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    attributes: Mapped[list[ServiceAttribute]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ServiceTranslation(Base):
    """Name, description, eligibility and fees of a service in one locale (beyond HSDS)."""

    __tablename__ = "service_translation"

    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str | None] = mapped_column(Text)
    fees: Mapped[str | None] = mapped_column(Text)


class Location(Base):
    """HSDS location (physical), with its address folded in and the city it belongs to."""

    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    city_id: Mapped[str] = mapped_column(ForeignKey("city.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(80))
    address_1: Mapped[str] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accessibility: Mapped[str | None] = mapped_column(Text)


class ServiceAtLocation(Base):
    """HSDS service_at_location: where a service is delivered."""

    __tablename__ = "service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )

    location: Mapped[Location] = relationship(lazy="raise")


class Phone(Base):
    """HSDS phone of a service."""

    __tablename__ = "phone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))


class Contact(Base):
    """HSDS contact: a named person or desk to ask for at the service."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))


class ServiceArea(Base):
    """HSDS service_area: where people must live or be to use the service."""

    __tablename__ = "service_area"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Schedule(Base):
    """HSDS schedule row: one weekly opening period, local time of the service's city."""

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    freq: Mapped[str] = mapped_column(String(8), default="WEEKLY")
    byday: Mapped[str] = mapped_column(String(32))  # iCal codes, e.g. "MO,TU,WE"
    opens_at: Mapped[str] = mapped_column(String(5))  # HH:MM
    closes_at: Mapped[str] = mapped_column(String(5))
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    # A closure (holidays, works) over valid_from..valid_to instead of an opening.
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(String(200))


class ServiceLanguage(Base):
    """HSDS language: a language the service is offered in (ISO 639-1 or 639-3 code)."""

    __tablename__ = "language"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8), index=True)


class TaxonomyTerm(Base):
    """HSDS taxonomy_term: our categories, finer terms under them, and eligibility terms."""

    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # dalil-category or dalil-eligibility
    taxonomy: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")


class ServiceAttribute(Base):
    """HSDS attribute: links a service to a taxonomy term (finer category, eligibility)."""

    __tablename__ = "service_attribute"
    __table_args__ = (UniqueConstraint("service_id", "taxonomy_term_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    taxonomy_term_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_term.id", ondelete="CASCADE"), index=True
    )
