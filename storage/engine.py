"""Async engine and session factory for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout, its folder made."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        # No ROLLBACK when a connection goes back to the pool: with aiosqlite every statement is
        # a hand-off to the connection's thread, and sessions and connections already end their
        # transaction (commit, rollback, or close, which rolls back) before giving it back.
        kwargs.setdefault("pool_reset_on_return", None)
        engine = create_async_engine(parsed, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def ping(conn: AsyncConnection) -> None:
    """Ask the database for nothing: raises when it does not answer."""
    await conn.execute(text("SELECT 1"))


async def try_advisory_lock(conn: AsyncConnection, key: int) -> bool:
    """PostgreSQL: take the session-level advisory lock `key` on this connection, without
    waiting; whether it was taken."""
    return bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))


async def advisory_unlock(conn: AsyncConnection, key: int) -> None:
    """PostgreSQL: release the advisory lock `key` this connection holds."""
    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
