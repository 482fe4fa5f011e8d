"""Shared by the poll tests: a poll in English and Catalan, cities, people, the closing job."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Bot
from sqlalchemy import select

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.poll_closing import STOP_LIMITS, close_due_polls
from engagement.polls import service
from engagement.polls.closing import ClosingReport
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.polls import Poll, PollMessage
from tests.bot.broadcast_support import JumpingClock
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_objects import FakeMessage, FakeUser, UploadedFile, file_id_for

THEME = """
slug: theme-2027
question: {en: "Which theme for 2027?", ca: "Quin tema per al 2027?"}
options:
  - {id: inclusion, text: {en: Inclusion, ca: Inclusió}}
  - {id: climate, text: {en: Climate, ca: Clima}}
  - {id: culture, text: {en: Culture, ca: Cultura}}
audience: city_representatives
anonymous: ANONYMOUS
multiple_answers: false
closes_at: CLOSES
"""


def theme_yaml(closes_at: datetime | None = None, *, anonymous: bool = False) -> str:
    closes = closes_at or utcnow() + timedelta(hours=2)
    return THEME.replace("CLOSES", closes.isoformat()).replace(
        "ANONYMOUS", "true" if anonymous else "false"
    )


async def create_theme(sessions: SessionFactory, *, anonymous: bool = False) -> Poll:
    async with sessions() as session:
        created = await service.create_poll(session, theme_yaml(anonymous=anonymous), actor="test")
        poll = await session.get(Poll, created.id)
        assert poll is not None
        return poll


async def close_polls(sessions: SessionFactory, bot: Bot, now: datetime) -> ClosingReport:
    clock = JumpingClock()
    return await close_due_polls(
        sessions, bot, now=now, limiter=RateLimiter(STOP_LIMITS, now=clock.now), clock=clock
    )


async def stopped_messages(sessions: SessionFactory, poll_id: int) -> list[PollMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(PollMessage).where(
                PollMessage.poll_id == poll_id, PollMessage.stopped_at.is_not(None)
            )
        )
        return list(rows.all())


def only_poll(fake: FakeTelegram, user: FakeUser) -> FakeMessage:
    (message,) = fake.sent_polls(user.id)
    assert message.poll is not None
    return message


def send_document_with_caption(
    fake: FakeTelegram, user: FakeUser, data: bytes, filename: str, caption: str
) -> None:
    """The user sends a file with a caption (the fake's helper has no caption)."""
    upload = fake.world.store_file(UploadedFile(file_id_for(data, ""), filename, data))
    chat = fake.world.chats[user.id]
    message = fake.world.new_message(chat, user, kind="document", file=upload, caption=caption)
    fake._queue(message=message.to_api())
