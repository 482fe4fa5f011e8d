"""The `aive worker` drainer: sends with the configured token, does nothing without one."""

from __future__ import annotations

from types import SimpleNamespace

from pydantic import SecretStr

from bot.broadcast.drainer import BroadcastDrainer
from outbox import Recipient, enqueue_broadcast
from storage.broadcasts import BroadcastKind
from storage.engine import SessionFactory
from tests.bot.broadcast_support import delivered_per_chat
from tests.fakes.telegram import FakeTelegram


def context(sessions: SessionFactory, token: str | None, url: str) -> SimpleNamespace:
    settings = SimpleNamespace(
        telegram_token=SecretStr(token) if token else None,
        telegram_api_url=url,
        broadcast_per_second=30,
        broadcast_group_per_minute=20,
    )
    return SimpleNamespace(settings=settings, sessions=sessions)


async def test_worker_drains_the_outbox_and_then_reports_nothing_to_do(
    fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    users = [fake_telegram.make_user(f"U{i}") for i in range(3)]
    async with sessions() as session:
        await enqueue_broadcast(
            session, BroadcastKind.text, {"text": {"en": "Hi"}}, [Recipient(u.id) for u in users]
        )
    drainer = BroadcastDrainer()

    assert await drainer(context(sessions, None, fake_telegram.url)) == 0  # no token: idle
    assert await drainer(context(sessions, fake_telegram.token, fake_telegram.url)) == 3
    assert await drainer(context(sessions, fake_telegram.token, fake_telegram.url)) == 0
    assert delivered_per_chat(fake_telegram) == {u.id: 1 for u in users}
