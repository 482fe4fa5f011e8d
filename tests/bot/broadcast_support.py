"""Shared by the broadcast tests: a clock that jumps when the sender sleeps, people, counts."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import insert, select

from storage.broadcasts import BroadcastMessage, MessageState
from storage.engine import SessionFactory
from storage.people import Person
from tests.fakes.telegram import FakeTelegram


class JumpingClock:
    """Fake time shared by our limiter and the fake Telegram's: sleeping moves it forward at
    once, so minutes of Telegram rate limits pass in milliseconds."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.t = start
        self.slept = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.t += seconds
            self.slept += seconds
        await asyncio.sleep(0)


async def add_people(
    sessions: SessionFactory, telegram_ids: list[int], languages: list[str] | None = None
) -> None:
    rows = [
        {
            "telegram_id": tid,
            "display_name": f"P{tid}",
            "language": (languages[i % len(languages)] if languages else "en"),
            "active": True,
        }
        for i, tid in enumerate(telegram_ids)
    ]
    async with sessions() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(insert(Person), rows[start : start + 1000])
        await session.commit()


def delivered_per_chat(fake: FakeTelegram, method: str = "sendMessage") -> Counter[int]:
    """How many messages each chat really got (successful calls only)."""
    return Counter(int(c.params["chat_id"]) for c in fake.calls_to(method) if c.status == 200)


async def states(sessions: SessionFactory, broadcast_id: int) -> Counter[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(BroadcastMessage.state).where(BroadcastMessage.broadcast_id == broadcast_id)
        )
        return Counter(MessageState(s).value for s in rows.all())


async def inactive_telegram_ids(sessions: SessionFactory) -> set[int]:
    async with sessions() as session:
        rows = await session.scalars(select(Person.telegram_id).where(Person.active.is_(False)))
        return {r for r in rows.all() if r is not None}
