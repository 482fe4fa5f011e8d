"""10,000 chats through the fake Bot API with Telegram's limits enforced and 2% blocked users.

The scale runs on PostgreSQL, production's database; the embedded SQLite default runs the same
story with 2,000 chats (its claims differ from PostgreSQL's, not with the number of chats), which
saves a minute of the suite.
"""

from __future__ import annotations

import pytest
from aiogram import Bot

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from outbox import audience_recipients, enqueue_broadcast
from outbox.queue import broadcast_status
from storage.broadcasts import BroadcastKind
from storage.engine import SessionFactory
from tests.bot.broadcast_support import (
    JumpingClock,
    add_people,
    delivered_per_chat,
    inactive_telegram_ids,
    states,
)
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

CHATS = {"postgresql": 10_000, "sqlite": 2_000}


async def test_ten_thousand_chats_each_get_one_message_and_blocked_people_are_marked(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory, db_url_kind: str
) -> None:
    chats = CHATS[db_url_kind]
    clock = JumpingClock()
    fake_telegram.enforce_rate_limits(clock=clock.now)
    users = [fake_telegram.make_user(f"U{i}") for i in range(chats)]
    blocked = {u.id for u in users[::50]}  # 2%
    fake_telegram.block(*blocked)
    await add_people(sessions, [u.id for u in users], ["en", "fr", "es", "pt", "ca"])
    async with sessions() as session:
        recipients = await audience_recipients(session, "everyone")
        broadcast = await enqueue_broadcast(
            session,
            BroadcastKind.text,
            {"text": {"en": "Hello", "fr": "Bonjour", "es": "Hola"}},
            recipients,
            audience="everyone",
        )

    limiter = RateLimiter(now=clock.now)
    sender = BroadcastSender(sessions, telegram_bot, limiter=limiter, clock=clock)
    start = clock.now()
    handled = await sender.drain()
    elapsed = clock.now() - start

    delivered = delivered_per_chat(fake_telegram)
    assert handled == chats
    assert set(delivered) == {u.id for u in users} - blocked  # none lost
    assert max(delivered.values()) == 1  # none twice
    assert await inactive_telegram_ids(sessions) == blocked
    assert await states(sessions, broadcast.id) == {
        "sent": chats - len(blocked),
        "blocked": chats // 50,
    }
    # Steady state within Telegram's limits: not one 429, and close to the allowed 30/s.
    assert fake_telegram.too_many_requests_count == 0
    rate = chats / elapsed
    assert 0.95 * 30 <= rate <= 30
    # Languages: French readers got French, Portuguese ones the English fallback.
    calls = fake_telegram.calls_to("sendMessage")
    texts = {int(c.params["chat_id"]): c.params["text"] for c in calls}
    assert texts[users[1].id] == "Bonjour" and texts[users[3].id] == "Hello"
    async with sessions() as session:
        (summary,) = await broadcast_status(session, broadcast.id)
    assert summary.status == "done" and summary.handled == chats
