"""Shared fixtures: a migrated database per test, on SQLite always and PostgreSQL when asked.

Set AIVE_TEST_DATABASE_URL (postgresql+asyncpg://…) to run every `db`-using test on PostgreSQL
too; the schema there is dropped and migrated afresh once per test session.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.models import metadata

# The database the `aive` command uses (tests/cli_database.py).
from tests.cli_database import cli_database, cli_seeded_database, cli_sqlite_database  # noqa: F401

# The fake Telegram Bot API server and a real aiogram Bot talking to it (tests/fakes/).
from tests.fakes.telegram import fake_telegram, telegram_bot  # noqa: F401

PG_URL = os.environ.get("AIVE_TEST_DATABASE_URL")
# The command line speaks the operator's locale (app/cli/i18n.py); tests read English unless a
# test asks for another language (CliRunner's env={"LANGUAGE": "fr"}).
os.environ["LANGUAGE"] = "en"
_pg_migrated = False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url_kind" in metafunc.fixturenames:
        kinds = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
        metafunc.parametrize("db_url_kind", kinds, indirect=True)


@pytest.fixture
def db_url_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    if kind == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL tests need AIVE_TEST_DATABASE_URL (set by .ci/run)")
    return kind


@pytest.fixture
def database_url(db_url_kind: str, tmp_path: Path) -> str:
    if db_url_kind == "postgresql":
        assert PG_URL
        return PG_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'aive.db'}"


async def _reset_postgres(engine: AsyncEngine) -> None:
    global _pg_migrated
    if not _pg_migrated:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(engine)
        _pg_migrated = True
        return
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database (seed data not loaded)."""
    eng = create_engine(database_url)
    if eng.dialect.name == "postgresql":
        await _reset_postgres(eng)
    else:
        await migrate.upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(engine)
