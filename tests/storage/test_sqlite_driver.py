"""The SQLite driver that runs a statement in one hand-off behaves as SQLAlchemy expects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.sqlite_driver import DRIVER

meta = MetaData()
cities = Table(
    "cities",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False, unique=True),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)
    yield engine
    await engine.dispose()


def count_hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return calls


async def test_sqlite_urls_get_the_one_hand_off_driver(engine: AsyncEngine) -> None:
    assert engine.dialect.driver == DRIVER
    assert engine.url.render_as_string().startswith(f"sqlite+{DRIVER}:///")


async def test_a_select_is_one_hand_off_to_the_sqlite_thread(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(cities), [{"name": "Lyon"}, {"name": "Porto"}])
    async with engine.connect() as conn:
        calls = count_hand_offs(monkeypatch)
        rows = (await conn.execute(select(cities.c.name).order_by(cities.c.name))).all()
        assert calls == ["_run"]  # SQLAlchemy's own adapter: cursor, execute, fetchall, close
    assert [r.name for r in rows] == ["Lyon", "Porto"]


async def test_rowcount_lastrowid_and_returning_are_right(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        first = await conn.execute(insert(cities).values(name="Rosario"))
        assert first.inserted_primary_key == (1,)
        returned = await conn.execute(insert(cities).values(name="Bilbao").returning(cities.c.id))
        assert returned.scalar_one() == 2
        changed = await conn.execute(update(cities).values(name=func.upper(cities.c.name)))
        assert changed.rowcount == 2
        none = await conn.execute(update(cities).where(cities.c.id == 99).values(name="x"))
        assert none.rowcount == 0
    async with engine.connect() as conn:
        names = (await conn.execute(select(cities.c.name).order_by(cities.c.id))).scalars().all()
    assert names == ["ROSARIO", "BILBAO"]


async def test_executemany_inserts_every_row(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(cities), [{"name": f"City {i}"} for i in range(250)])
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(cities)) == 250


async def test_errors_are_sqlalchemy_errors_and_the_transaction_rolls_back(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(cities).values(name="Lyon"))
    with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: cities\.name"):
        async with engine.begin() as conn:
            await conn.execute(insert(cities).values(name="Porto"))
            await conn.execute(insert(cities).values(name="Lyon"))
    with pytest.raises(OperationalError, match="no such table: towns"):
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT * FROM towns")
    async with engine.connect() as conn:  # Porto went with the failed transaction
        names = (await conn.execute(select(cities.c.name))).scalars().all()
    assert names == ["Lyon"]


async def test_streamed_results_still_come_in_order(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(cities), [{"name": f"City {i:03d}"} for i in range(120)])
    async with engine.connect() as conn:
        result = await conn.stream(select(cities.c.name).order_by(cities.c.name))
        names = [row.name async for row in result]
    assert names == [f"City {i:03d}" for i in range(120)]
