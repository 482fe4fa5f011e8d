"""Start-up writes are upserts: scheduler, worker and bot starting at once on a fresh database
each grant AIVE_STAFF_TELEGRAM_IDS staff, and all of them start (issue 14).

Each "process" here is its own engine (its own connections, as separate processes have) running
the start-up step of `app.runtime` at the same moment. Spawning the real processes does not
reproduce the race: importing aiogram takes seconds and varies by more than the few milliseconds
in which their writes must meet, so they would rarely collide.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, func, select

from app.people import grant_configured_staff
from storage.audit import AuditEvent
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.people import Person, PersonRole, Role

STAFF = (1001, 1002)


async def _start_up(database_url: str) -> list[int]:
    """What `app.runtime._prepare` writes, in a process of its own."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            added = await grant_configured_staff(session, STAFF)
            await session.commit()
            return added
    finally:
        await engine.dispose()


async def test_three_processes_starting_at_once_all_grant_staff_without_a_collision(
    sessions: SessionFactory, database_url: str
) -> None:
    for _round in range(5):  # the collision was seen "once under load": try it several times
        async with sessions() as session:
            await session.execute(delete(PersonRole))
            await session.execute(delete(Person))
            await session.commit()
        granted = await asyncio.gather(*(_start_up(database_url) for _ in range(3)))
        assert sorted(t for added in granted for t in added) == sorted(STAFF)  # each once

    async with sessions() as session:
        people = [t for t in (await session.scalars(select(Person.telegram_id))).all() if t]
        roles = await session.scalar(
            select(func.count()).select_from(PersonRole).where(PersonRole.role == Role.staff)
        )
        audited = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "staff.granted")
        )
    assert sorted(people) == sorted(STAFF) and roles == len(STAFF)
    assert audited == 5 * len(STAFF)
