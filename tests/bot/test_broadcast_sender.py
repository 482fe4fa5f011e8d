"""The sender against the fake Bot API: flood waits, blocked users, network errors, restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from sqlalchemy import select

from bot.broadcast.limiter import Limits, RateLimiter
from bot.broadcast.sender import BroadcastError, BroadcastSender, SendPolicy
from bot.session import make_bot
from outbox import (
    Recipient,
    cancel_broadcast,
    enqueue_broadcast,
    pause_broadcast,
    recipients_for_chats,
    requeue_uncertain,
)
from outbox.queue import broadcast_status
from storage import broadcast_outbox
from storage.base import utcnow
from storage.broadcasts import BroadcastKind, BroadcastMessage
from storage.engine import SessionFactory
from tests.bot.broadcast_support import (
    JumpingClock,
    add_people,
    delivered_per_chat,
    inactive_telegram_ids,
    states,
)
from tests.fakes.telegram import FakeTelegram

HELLO = {"text": {"en": "Hello", "fr": "Bonjour"}}


def sender_for(
    sessions: SessionFactory,
    bot: Bot,
    clock: JumpingClock,
    *,
    limits: Limits = Limits(),
    worker: str = "w1",
    **policy: Any,
) -> BroadcastSender:
    return BroadcastSender(
        sessions,
        bot,
        limiter=RateLimiter(limits, now=clock.now),
        clock=clock,
        worker=worker,
        policy=SendPolicy(**policy),
    )


async def queue_text(
    sessions: SessionFactory, chat_ids: list[int], payload: dict[str, Any] = HELLO
) -> int:
    async with sessions() as session:
        recipients = await recipients_for_chats(session, chat_ids)
        broadcast = await enqueue_broadcast(session, BroadcastKind.text, payload, recipients)
        return broadcast.id


async def test_a_429_pauses_the_sender_for_retry_after_and_the_message_still_goes_once(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    clock = JumpingClock()
    users = [fake_telegram.make_user(f"U{i}") for i in range(5)]
    fake_telegram.fail_with_retry_after(7, chat_id=users[2].id)
    broadcast_id = await queue_text(sessions, [u.id for u in users])

    sender = sender_for(sessions, telegram_bot, clock)
    assert await sender.drain() == 5

    assert delivered_per_chat(fake_telegram) == {u.id: 1 for u in users}
    assert sender.stats.retry_after == 1
    assert clock.slept >= 7
    assert await states(sessions, broadcast_id) == {"sent": 5}


async def test_network_errors_are_retried_then_the_message_goes_once(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    failures = {"left": 2}

    async def flaky(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if failures["left"]:
            failures["left"] -= 1
            raise TelegramNetworkError(method=method, message="ClientConnectorError: refused")
        return await make_request(bot, method)

    telegram_bot.session.middleware(flaky)
    clock = JumpingClock()
    ana = fake_telegram.make_user("Ana")
    broadcast_id = await queue_text(sessions, [ana.id])

    sender = sender_for(sessions, telegram_bot, clock)
    await sender.drain()

    assert delivered_per_chat(fake_telegram) == {ana.id: 1}
    assert sender.stats.network_errors == 2
    assert clock.slept >= 0.5 + 1.0  # backoff between the tries
    assert await states(sessions, broadcast_id) == {"sent": 1}


async def test_a_network_that_never_recovers_fails_the_row_after_bounded_attempts(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    async def down(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        raise TelegramNetworkError(method=method, message="Request timeout error")

    telegram_bot.session.middleware(down)
    ana = fake_telegram.make_user("Ana")
    broadcast_id = await queue_text(sessions, [ana.id])

    sender = sender_for(sessions, telegram_bot, JumpingClock(), network_retries=1, max_attempts=3)
    await sender.drain()

    assert sender.stats.network_errors == 3 * 2
    assert await states(sessions, broadcast_id) == {"failed": 1}
    async with sessions() as session:
        row = await session.scalar(select(BroadcastMessage))
    assert row is not None and row.attempts == 3 and "timeout" in (row.last_error or "")


async def test_bad_request_fails_the_row_with_telegrams_reason(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    ana = fake_telegram.make_user("Ana")
    broadcast_id = await queue_text(sessions, [ana.id, 4242])  # 4242: no such chat

    await sender_for(sessions, telegram_bot, JumpingClock()).drain()

    assert await states(sessions, broadcast_id) == {"sent": 1, "failed": 1}
    async with sessions() as session:
        errors = await session.scalars(
            select(BroadcastMessage.last_error).where(BroadcastMessage.chat_id == 4242)
        )
    assert "chat not found" in (errors.one() or "")


async def test_blocked_person_is_marked_inactive_and_not_retried(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    ana, ben = fake_telegram.make_user("Ana"), fake_telegram.make_user("Ben")
    fake_telegram.block(ben)
    await add_people(sessions, [ana.id, ben.id])
    broadcast_id = await queue_text(sessions, [ana.id, ben.id])

    await sender_for(sessions, telegram_bot, JumpingClock()).drain()

    assert await inactive_telegram_ids(sessions) == {ben.id}
    assert await states(sessions, broadcast_id) == {"sent": 1, "blocked": 1}
    assert len(fake_telegram.calls_to("sendMessage")) == 2


async def test_rows_a_crashed_worker_left_sending_become_uncertain_and_are_not_resent(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    users = [fake_telegram.make_user(f"U{i}") for i in range(10)]
    broadcast_id = await queue_text(sessions, [u.id for u in users])
    # A worker claims three rows, commits `sending`, and dies before recording anything.
    async with sessions() as session:
        held = await broadcast_outbox.claim(
            session, "dead-worker", lambda c: list(c[:3]), now=utcnow() - timedelta(hours=1)
        )
    assert len(held) == 3

    await sender_for(sessions, telegram_bot, JumpingClock()).drain()

    delivered = delivered_per_chat(fake_telegram)
    assert set(delivered) == {u.id for u in users[3:]}
    assert await states(sessions, broadcast_id) == {"sent": 7, "uncertain": 3}
    async with sessions() as session:
        (summary,) = await broadcast_status(session, broadcast_id)
    assert summary.status == "done" and summary.counts["uncertain"] == 3

    # Staff decide to resend them, accepting that a chat may get the message twice.
    async with sessions() as session:
        assert await requeue_uncertain(session, broadcast_id) == 3
    await sender_for(sessions, telegram_bot, JumpingClock()).drain()
    assert set(delivered_per_chat(fake_telegram)) == {u.id for u in users}
    assert await states(sessions, broadcast_id) == {"sent": 10}


async def test_a_worker_still_within_its_lease_is_left_alone(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    users = [fake_telegram.make_user(f"U{i}") for i in range(4)]
    broadcast_id = await queue_text(sessions, [u.id for u in users])
    async with sessions() as session:
        await broadcast_outbox.claim(session, "busy", lambda c: list(c[:1]), now=utcnow())

    await sender_for(sessions, telegram_bot, JumpingClock()).drain()

    assert await states(sessions, broadcast_id) == {"sent": 3, "sending": 1}


async def test_a_restarted_worker_resumes_without_sending_anything_twice(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    clock = JumpingClock()
    users = [fake_telegram.make_user(f"U{i}") for i in range(100)]
    broadcast_id = await queue_text(sessions, [u.id for u in users])
    waves = {"n": 0}

    def count(_: int) -> None:
        waves["n"] += 1

    first = sender_for(sessions, telegram_bot, clock, worker="before")
    await first.drain(should_stop=lambda: waves["n"] >= 2, on_wave=count)
    assert (
        0
        < sum((await states(sessions, broadcast_id)).values())
        - (await states(sessions, broadcast_id))["queued"]
        < 100
    )

    # A new process: new worker id and a fresh limiter.
    await sender_for(sessions, telegram_bot, clock, worker="after").drain()

    delivered = delivered_per_chat(fake_telegram)
    assert set(delivered) == {u.id for u in users} and max(delivered.values()) == 1
    assert await states(sessions, broadcast_id) == {"sent": 100}


async def test_two_workers_sharing_the_outbox_send_each_chat_once(
    fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    clock = JumpingClock()
    fake_telegram.enforce_rate_limits(clock=clock.now)
    users = [fake_telegram.make_user(f"U{i}") for i in range(300)]
    broadcast_id = await queue_text(sessions, [u.id for u in users])
    bots = [make_bot(fake_telegram.token, fake_telegram.url) for _ in range(2)]
    half = Limits(per_second=15)
    try:
        senders = [
            sender_for(sessions, bot, clock, limits=half, worker=f"w{i}")
            for i, bot in enumerate(bots)
        ]
        handled = await asyncio.gather(*(s.drain() for s in senders))
    finally:
        for bot in bots:
            await bot.session.close()

    delivered = delivered_per_chat(fake_telegram)
    assert set(delivered) == {u.id for u in users} and max(delivered.values()) == 1
    assert sum(handled) == 300 and min(handled) > 0  # both did part of the work
    assert await states(sessions, broadcast_id) == {"sent": 300}


async def test_cancel_stops_the_remaining_rows(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    users = [fake_telegram.make_user(f"U{i}") for i in range(100)]
    broadcast_id = await queue_text(sessions, [u.id for u in users])
    clock = JumpingClock()
    waves = {"n": 0}

    def count(_: int) -> None:
        waves["n"] += 1

    await sender_for(sessions, telegram_bot, clock).drain(
        should_stop=lambda: waves["n"] >= 1, on_wave=count
    )
    async with sessions() as session:
        assert await cancel_broadcast(session, broadcast_id) == 70
    await sender_for(sessions, telegram_bot, clock).drain()

    assert len(delivered_per_chat(fake_telegram)) == 30
    assert await states(sessions, broadcast_id) == {"sent": 30, "cancelled": 70}
    async with sessions() as session:
        (summary,) = await broadcast_status(session, broadcast_id)
    assert summary.status == "cancelled"


async def test_a_paused_broadcast_waits_until_resumed(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    ana = fake_telegram.make_user("Ana")
    broadcast_id = await queue_text(sessions, [ana.id])
    async with sessions() as session:
        await pause_broadcast(session, broadcast_id, paused=True)
    assert await sender_for(sessions, telegram_bot, JumpingClock()).drain() == 0
    async with sessions() as session:
        await pause_broadcast(session, broadcast_id, paused=False)
    assert await sender_for(sessions, telegram_bot, JumpingClock()).drain() == 1
    assert delivered_per_chat(fake_telegram) == {ana.id: 1}


async def test_a_group_gets_at_most_20_messages_a_minute_and_a_person_one_a_second(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    clock = JumpingClock()
    fake_telegram.enforce_rate_limits(clock=clock.now)
    group = fake_telegram.make_group("Cities")
    ana = fake_telegram.make_user("Ana")
    for i in range(25):  # 25 announcements in a row to the same group and person
        await queue_text(sessions, [group.id, ana.id], {"text": {"en": f"News {i}"}})

    start = clock.now()
    await sender_for(sessions, telegram_bot, clock).drain()

    assert fake_telegram.too_many_requests_count == 0
    assert delivered_per_chat(fake_telegram) == {group.id: 25, ana.id: 25}
    assert clock.now() - start >= 60  # the 21st group message waited for the next minute
    group_texts = [m.text for m in fake_telegram.sent_messages(group.id)]
    assert group_texts == [f"News {i}" for i in range(25)]  # oldest first


async def test_photo_is_uploaded_once_and_reused_and_polls_use_poll_options(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory, tmp_path: Path
) -> None:
    users = [fake_telegram.make_user(f"U{i}", language_code="es") for i in range(3)]
    ids = [u.id for u in users]
    await add_people(sessions, ids, ["es"])
    picture = tmp_path / "day.jpg"
    picture.write_bytes(b"\xff\xd8\xff fake jpeg")
    async with sessions() as session:
        recipients = await recipients_for_chats(session, ids)
        await enqueue_broadcast(
            session,
            BroadcastKind.photo,
            {"file": {"path": str(picture)}, "caption": {"en": "Day", "es": "Día"}},
            recipients,
        )
        await enqueue_broadcast(
            session,
            BroadcastKind.poll,
            {
                "question": {"en": "Which date?", "es": "¿Qué fecha?"},
                "options": [{"en": "Monday", "es": "Lunes"}, {"en": "Friday"}],
            },
            recipients,
        )

    await sender_for(sessions, telegram_bot, JumpingClock()).drain()

    photos = fake_telegram.calls_to("sendPhoto")
    assert len(photos) == 3 and sum(1 for c in photos if c.files) == 1
    assert [fake_telegram.sent_photos(i)[0].caption for i in ids] == ["Día"] * 3
    (poll,) = fake_telegram.sent_polls(ids[0])
    assert poll.poll is not None
    assert (poll.poll.question, poll.poll.options) == ("¿Qué fecha?", ["Lunes", "Friday"])


async def test_a_refused_bot_token_stops_the_sender_and_loses_nothing(
    fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    ana = fake_telegram.make_user("Ana")
    broadcast_id = await queue_text(sessions, [ana.id])
    bot = make_bot("123:wrong-token", fake_telegram.url)
    try:
        with pytest.raises(BroadcastError, match="token"):
            await sender_for(sessions, bot, JumpingClock()).drain()
    finally:
        await bot.session.close()
    assert await states(sessions, broadcast_id) == {"queued": 1}


async def test_enqueue_is_idempotent_per_chat_and_per_key(sessions: SessionFactory) -> None:
    async with sessions() as session:
        first = await enqueue_broadcast(
            session,
            BroadcastKind.text,
            HELLO,
            [Recipient(1), Recipient(2), Recipient(2)],
            key="consultation:1:invite",
        )
        again = await enqueue_broadcast(
            session,
            BroadcastKind.text,
            HELLO,
            [Recipient(2), Recipient(3)],
            key="consultation:1:invite",
        )
    assert again.id == first.id
    assert await states(sessions, first.id) == {"queued": 3}
