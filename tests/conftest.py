"""Shared fixtures: a migrated database per test, on SQLite always and PostgreSQL when asked.

Set AIVE_TEST_DATABASE_URL (postgresql+asyncpg://…) to run every `db`-using test on PostgreSQL
too. Tests run on both cores (pytest-xdist): each worker has a PostgreSQL database of its own,
`<database>_<worker>`, created when the worker starts, migrated afresh once and emptied before
each test, and dropped when the worker ends. On SQLite each worker migrates one template file
once; each test gets a copy of it (a copy takes about a millisecond, a migration half a second).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.catalogs import compile_all
from storage import migrate
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.models import metadata

# The database the `aive` command uses (tests/cli_database.py).
from tests.cli_database import cli_database, cli_seeded_database, cli_sqlite_database  # noqa: F401

# The fake Telegram Bot API server and a real aiogram Bot talking to it (tests/fakes/).
from tests.fakes.telegram import fake_telegram, telegram_bot  # noqa: F401

PG_URL = os.environ.get("AIVE_TEST_DATABASE_URL")  # this worker's database, once configured
# The command line speaks the operator's locale (app/cli/i18n.py); tests read English unless a
# test asks for another language (CliRunner's env={"LANGUAGE": "fr"}).
os.environ["LANGUAGE"] = "en"
_pg_migrated = False
_WORKER_DATABASE = pytest.StashKey[tuple[str, str]]()  # (the base URL, this worker's database)


async def _on_server(url: str, statement: str) -> None:
    """Run `statement` (CREATE/DROP DATABASE) outside a transaction on the server of `url`."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, point this worker at a PostgreSQL database of its own."""
    global PG_URL
    worker = getattr(config, "workerinput", {}).get("workerid")
    if not PG_URL or not worker:
        return
    base = make_url(PG_URL)
    mine = base.set(database=f"{base.database}_{worker}")
    asyncio.run(_on_server(PG_URL, f'DROP DATABASE IF EXISTS "{mine.database}" WITH (FORCE)'))
    asyncio.run(_on_server(PG_URL, f'CREATE DATABASE "{mine.database}"'))
    PG_URL = mine.render_as_string(hide_password=False)
    os.environ["AIVE_TEST_DATABASE_URL"] = PG_URL
    config.stash[_WORKER_DATABASE] = (base.render_as_string(hide_password=False), mine.database)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _WORKER_DATABASE in config.stash:
        base, name = config.stash[_WORKER_DATABASE]
        asyncio.run(_on_server(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """Messages, pages and emails read the compiled catalogs (`make test` compiles them too)."""
    compile_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's migrated, empty SQLite database, to be copied (never opened) by tests."""
    path = tmp_path_factory.mktemp("template") / "aive.db"

    async def _migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(_migrate())
    return path


def copy_of_template(template: Path, path: Path) -> Path:
    """Put a migrated, empty SQLite database at `path`: a copy of `template`."""
    shutil.copyfile(template, path)
    return path


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
async def engine(database_url: str, sqlite_template: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database (seed data not loaded)."""
    eng = create_engine(database_url)
    if eng.dialect.name == "postgresql":
        await _reset_postgres(eng)
    else:
        database = make_url(database_url).database
        assert database
        copy_of_template(sqlite_template, Path(database))
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(engine)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` (a minute or more: processes killed, a wheel built) run first, so
    that pytest-xdist starts them on every worker at once instead of leaving one of them for
    the end, with the other worker idle. They get ten minutes instead of the default two: on a
    machine shared with other work, the 10,000-chat broadcast alone passed two minutes."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    for item in items:
        slow, timeout = item.get_closest_marker("slow"), item.get_closest_marker("timeout")
        if slow is not None and timeout is None:
            item.add_marker(pytest.mark.timeout(600))
