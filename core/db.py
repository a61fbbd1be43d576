"""Database engine, session factory and the declarative base every package's models share."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg.exceptions  # type: ignore[import-untyped]
from sqlalchemy import MetaData, event
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so migrations are identical on SQLite and PostgreSQL. Every column
# is in the name: two constraints that begin with the same column must not collide, and a
# unique constraint's name should say what is unique.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of all Dalil tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# A worker answers up to 32 chats at once (bot/queue.py LANES_AT_WORK), each turn in transactions
# of its own: the pool keeps that many PostgreSQL connections open. With SQLAlchemy's default
# of 5 (and 10 more), every 32 turns opened and closed 10 connections and kept the rest of the
# chats waiting for one. A process opens them only as its load asks; PostgreSQL's
# max_connections must cover POOL_SIZE + POOL_OVERFLOW for each process at its busiest.
POOL_SIZE = 32
POOL_OVERFLOW = 8

# A connection that sat in the pool longer than this is tried before it is used: PostgreSQL
# may have restarted, or cut it, meanwhile. One given back a moment ago is not. SQLAlchemy's
# own pool_pre_ping tries every one, with three round trips (BEGIN, a statement, ROLLBACK):
# three of the nine of a turn, on a busy pool whose connections were all just used. A
# connection cut while in use fails its statement instead, SQLAlchemy then replaces the
# pool's connections, and the worker tries the message again (bot/worker.py).
PING_IDLE_S = 1.0


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys and a busy timeout.

    Its errors never carry the statement's values (`hide_parameters`): they hold what people
    wrote, and errors are logged.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_async_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, hide_parameters=True
    )
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_from = record.info.pop("idle_from", None)
        if idle_from is None or time.monotonic() - idle_from < PING_IDLE_S:
            return  # a new connection, or one in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (up to three tries).
            raise DisconnectionError(type(error).__name__) from error

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return a session factory bound to the engine."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """Yield a session that commits on success and rolls back on error."""
    async with sessions() as session, session.begin():
        yield session


# What asyncpg raises when PostgreSQL is out of reach: refused or cut connections, and a
# server shutting down or still starting up (crash recovery). Raised as they are while a pool
# connects, wrapped in a DBAPIError during a statement.
_OUT_OF_REACH = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InterfaceError,
)


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database is out of reach for now (down, restarting, the
    connection cut), so the same work may succeed later, rather than that a statement or its
    data was wrong."""
    if isinstance(error, IntegrityError | DataError | ProgrammingError):
        return False
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DBAPIError) and (
        error.connection_invalidated or _out_of_reach(error.orig)
    ):
        return True
    return _out_of_reach(error)


def _out_of_reach(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, _OUT_OF_REACH):
            return True
        error = error.__cause__
    return False
