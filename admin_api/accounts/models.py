"""Accounts of associations, the city team and authorities, and their API tokens."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base


class Role(StrEnum):
    """What an account may do."""

    CITY_ADMIN = "city_admin"  # accounts, organisations, review and publish, everything
    ASSOCIATION = "association"  # its own organisation's services, submitted for review
    AUTHORITY = "authority"  # anonymous statistics only


class Account(Base):
    """A person or team using the admin API."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="account", lazy="raise", foreign_keys="ApiToken.account_id"
    )


class ApiToken(Base):
    """A personal API token: only its hash is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of a 256-bit random token: no salt or slow hash needed at that entropy.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Who issued it: a city admin may mint a token for another account, and whatever is
    # done with it must not pass for that account's own doing. None: the CLI (the operator).
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )

    account: Mapped[Account] = relationship(
        back_populates="tokens", lazy="raise", foreign_keys=[account_id]
    )
    issued_by: Mapped[Account | None] = relationship(lazy="raise", foreign_keys=[issued_by_id])


class Credential(Base):
    """How a person signs in to the portal: a login, a password hash, and the lock-out count."""

    __tablename__ = "credential"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    # Lower-cased at every entry point, so "Alice@x.org" and "alice@x.org" are one login.
    login: Mapped[str] = mapped_column(String(120), unique=True)
    # None until the invitation is accepted: nobody can sign in with it before.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Invitation(Base):
    """A link that lets a person set the password of an account: only its hash is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
