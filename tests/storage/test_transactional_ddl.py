"""On SQLite, schema changes in a migration's transaction are undone with it, and the connection
goes back to the pool as it was (foreign keys enforced, the driver's own transaction control)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.transactional_ddl import BrokenReferencesError, check_references, transactional_ddl


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ddl.db'}")
    yield engine
    await engine.dispose()


def _create_then_fail(connection: Connection) -> None:
    with transactional_ddl(connection), connection.begin():
        connection.exec_driver_sql("CREATE TABLE towns (id INTEGER PRIMARY KEY)")
        raise RuntimeError("the migration fails half-way")


async def test_a_table_created_in_a_failed_migration_is_gone(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        with pytest.raises(RuntimeError, match="half-way"):
            await connection.run_sync(_create_then_fail)
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert "towns" not in tables


def _dangling_reference(connection: Connection) -> None:
    with transactional_ddl(connection), connection.begin():
        connection.exec_driver_sql("CREATE TABLE towns (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql(
            "CREATE TABLE streets (id INTEGER PRIMARY KEY, town_id INTEGER REFERENCES towns (id))"
        )
        connection.exec_driver_sql("INSERT INTO streets (town_id) VALUES (7)")
        check_references(connection)


async def test_a_migration_that_breaks_a_reference_is_refused(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        with pytest.raises(BrokenReferencesError, match="1 rows of streets refer to rows"):
            await connection.run_sync(_dangling_reference)
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert tables == []


def _create_towns_and_streets(connection: Connection) -> None:
    with transactional_ddl(connection), connection.begin():
        connection.exec_driver_sql("CREATE TABLE towns (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql(
            "CREATE TABLE streets (id INTEGER PRIMARY KEY, town_id INTEGER REFERENCES towns (id))"
        )


async def test_afterwards_the_connection_enforces_foreign_keys_again(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(_create_towns_and_streets)
    async with engine.connect() as connection:  # the same pooled connection
        with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
            await connection.exec_driver_sql("INSERT INTO streets (town_id) VALUES (7)")
