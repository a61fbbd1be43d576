"""The tables of handed-over conversations: desks, conversations and their messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

# A conversation's states: waiting for a volunteer, taken by one, ended.
WAITING = "waiting"
TAKEN = "taken"
CLOSED = "closed"
OPEN_STATES = (WAITING, TAKEN)

# How a conversation ended (statistics count these, never what was said).
CLOSED_BY_VOLUNTEER = "closed_by_volunteer"
ENDED_BY_PERSON = "ended_by_person"
FORGOTTEN = "forgotten"
# Left open with nothing written for the whole retention period: closed by the purge.
EXPIRED = "expired"

# Who wrote a message; a notice is the bot telling the person what happened (taken, closed).
PERSON = "person"
VOLUNTEER = "volunteer"
NOTICE = "notice"
# The notice sent as WhatsApp's template when an answer is held outside the 24-hour window.
REENGAGE = "reengage"
# The notice telling the person that nobody took the request in time (the city team knows).
ESCALATED = "escalated"


class HandoverDesk(Base):
    """An association that answers handed-over conversations of one city (and category)."""

    __tablename__ = "handover_desk"
    __table_args__ = (UniqueConstraint("organization_id", "city_id", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[str] = mapped_column(ForeignKey("city.id"), index=True)
    # None: every category of the city.
    category: Mapped[str | None] = mapped_column(String(32))
    # When someone is usually there, in the city's time: iCal days ("MO,TU") and HH:MM.
    byday: Mapped[str] = mapped_column(String(32), default="MO,TU,WE,TH,FR")
    opens_at: Mapped[str] = mapped_column(String(5), default="09:00")
    closes_at: Mapped[str] = mapped_column(String(5), default="17:00")


class Handover(Base):
    """One person's conversation with an association's volunteer."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The chat's keyed pseudonym (core.pseudonym), like conversation state; None once purged.
    key: Mapped[str | None] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The chat id, sealed (core.sealed): only the bot's relay opens it, to deliver answers.
    sealed_chat_id: Mapped[str | None] = mapped_column(String(200))
    # What volunteers see instead of a chat id or phone number.
    label: Mapped[str] = mapped_column(String(16))
    city_id: Mapped[str] = mapped_column(ForeignKey("city.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=WAITING, index=True)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    # The volunteer chose to tell the person their name.
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    first_answer_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # When the person last wrote anything (a button press too) while it was open: WhatsApp's
    # 24-hour window counts from there.
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # When the city team's notification e-mail about the escalation was claimed for sending:
    # set before sending, so that no restart ever sends it twice.
    escalation_mailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class HandoverContact(Base):
    """Where the city team is told of requests of a city that nobody took in time."""

    __tablename__ = "handover_contact"

    city_id: Mapped[str] = mapped_column(
        ForeignKey("city.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))
    # The language the e-mails are written in: the portal's when the address was set.
    language: Mapped[str] = mapped_column(String(8))


class HandoverMessage(Base):
    """One message of a handed-over conversation; deleted after the retention period."""

    __tablename__ = "handover_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("handover.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    # A directory card the volunteer sent (the relay renders it in the person's language).
    service_id: Mapped[str | None] = mapped_column(String(64))
    # A notice's kind ("taken", "closed", "reengage": the template telling the person that an
    # answer waits for them).
    notice: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # A volunteer's answer written after WhatsApp's 24-hour window closed: kept for the
    # person, who was sent a template instead, until they write again (and reopen it).
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Volunteer messages and notices: when the relay queued them for the person.
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
