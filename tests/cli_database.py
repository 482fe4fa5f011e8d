"""The database the `aive` command uses in a test: AIVE_DATABASE_URL names a migrated database.

The command runs its own event loop (CliRunner in-process, or a subprocess), so these fixtures
are synchronous, and `run_in_session` gives rows to (or reads them from) the database from an
engine and event loop of its own, disposed before the command runs.

- `cli_database`: the `database_url` database of tests/conftest.py, migrated, no seed data
  (SQLite, and PostgreSQL too when AIVE_TEST_DATABASE_URL is set);
- `cli_seeded_database`: the same after `aive db upgrade` (the seeded networks and series);
- `cli_sqlite_database`: a SQLite file of its own in tmp_path, migrated, no seed data, with
  tmp_path as the working directory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from typer.testing import CliRunner

from app.cli.main import app
from storage.engine import create_engine, create_session_factory

T = TypeVar("T")


def run_in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work(session)` on the database at `url`, in an event loop of its own; its result."""

    async def _go() -> T:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(_go())


@pytest.fixture
def cli_database(engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of `database_url`'s migrated, empty database, which `aive` now uses."""
    monkeypatch.setenv("AIVE_DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def cli_seeded_database(cli_database: str) -> str:
    """The URL of `cli_database` after `aive db upgrade` has added the seed data."""
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return cli_database


@pytest.fixture
def cli_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> str:
    """The URL of a migrated, empty SQLite file in tmp_path, which `aive` now uses from there."""
    from tests.conftest import copy_of_template

    url = f"sqlite+aiosqlite:///{copy_of_template(sqlite_template, tmp_path / 'cli.db')}"
    monkeypatch.setenv("AIVE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url
