"""A SQLite connection goes back to the pool without a ROLLBACK of its own (each statement is a
hand-off to aiosqlite's thread), so a session that stops half-way must not leave its transaction
open: the next writer, on another connection, would wait for the lock."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from storage import migrate
from storage.engine import create_engine, create_session_factory
from storage.people import Person


async def test_a_session_closed_without_commit_leaves_no_lock_and_no_change(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'aive.db'}"
    engine = create_engine(url)
    other = create_engine(url, connect_args={"timeout": 0.5})  # a second process, say
    try:
        await migrate.upgrade(engine)
        sessions, elsewhere = create_session_factory(engine), create_session_factory(other)
        async with sessions() as session:
            session.add(Person(telegram_id=1, display_name="Ana", roles=[]))
            await session.commit()
        async with sessions() as session:  # a handler that fails after writing
            await session.execute(update(Person).values(display_name="half-way"))
        async with elsewhere() as session:  # would raise "database is locked" after 0.5 s
            await session.execute(update(Person).values(display_name="Ana Lima"))
            await session.commit()
        async with sessions() as session:
            names = (await session.scalars(select(Person.display_name))).all()
        assert names == ["Ana Lima"]
    finally:
        await engine.dispose()
        await other.dispose()
