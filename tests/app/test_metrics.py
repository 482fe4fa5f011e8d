"""`/metrics`: every family an operator watches is there, in Prometheus text format, and moves
when the work it counts happens (read back with prometheus-client's own parser)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.delivery import drain_deliveries
from app.scheduler import Job, _guarded
from app.settings import load_settings
from app.web import build_web_app
from bot.broadcast.drainer import BroadcastDrainer
from bot.config import BotConfig
from bot.dispatcher import build_dispatcher
from newsletter.feeds.jobs import fetch_due_feeds
from outbox import Recipient, enqueue_broadcast
from storage import bulletins_queries as delivery_queue
from storage.base import utcnow
from storage.broadcasts import BroadcastKind
from storage.engine import SessionFactory
from storage.feeds import Source
from telemetry.metrics import ErrorCounter, watch_pool
from tests.fakes.telegram import FakeTelegram
from tests.newsletter.delivery.world import add_subscribers, make_edition

FAMILIES = {
    "aive_bot_updates": "counter",
    "aive_bot_update_seconds": "histogram",
    "aive_errors": "counter",
    "aive_http_requests": "counter",
    "aive_deliveries": "counter",
    "aive_delivery_queue": "gauge",
    "aive_outbox_messages": "counter",
    "aive_outbox_queue": "gauge",
    "aive_feed_fetches": "counter",
    "aive_scheduler_jobs": "counter",
    "aive_scheduler_job_seconds": "histogram",
    "aive_db_connections_in_use": "gauge",
    "aive_db_pool_capacity": "gauge",
}


class Scrape:
    def __init__(self, text: str) -> None:
        self.families = {f.name: f for f in text_string_to_metric_families(text)}

    def value(self, sample: str, **labels: str) -> float:
        """The sum of `sample`'s values whose labels include `labels` (0 when none)."""
        return sum(
            s.value
            for family in self.families.values()
            for s in family.samples
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
        )


@pytest.fixture
async def client(engine: AsyncEngine, sessions: SessionFactory) -> AsyncIterator[TestClient]:
    ctx = AppContext(load_settings(), engine, sessions)
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        yield client


async def scrape(client: TestClient) -> Scrape:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return Scrape(await response.text())


async def test_every_family_is_exposed_with_its_type(client: TestClient) -> None:
    families = (await scrape(client)).families

    assert {name: families[name].type for name in FAMILIES if name in families} == FAMILIES


async def test_updates_are_counted_and_timed_by_handler_and_errors_counted(
    client: TestClient, fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    router = Router()

    @router.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError("a handler failed")

    config = BotConfig(
        token=fake_telegram.token, api_url=fake_telegram.url, signing_key="k", flood_burst=1000
    )
    dp = build_dispatcher(config, sessions, routers=[router])
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    user = fake_telegram.make_user("Ana")
    before = await scrape(client)
    try:
        for text in ("/help", "/help", "/boom"):
            fake_telegram.user_sends_text(user, text)
        for update in fake_telegram.world.updates.pending:
            await dp.feed_raw_update(telegram_bot, update)
    finally:
        logging.getLogger().removeHandler(counter)
        await dp.storage.close()
    after = await scrape(client)

    def moved(sample: str, **labels: str) -> float:
        return after.value(sample, **labels) - before.value(sample, **labels)

    assert moved("aive_bot_updates_total", handler="help.show_help", outcome="ok") == 2
    assert moved("aive_bot_updates_total", outcome="error") == 1
    assert moved("aive_bot_update_seconds_count") == 3
    assert moved("aive_bot_update_seconds_bucket", handler="help.show_help", le="+Inf") == 2
    assert moved("aive_errors_total", area="bot") == 1
    fake_telegram.pop_violations()


async def test_deliveries_and_their_queue_move_when_an_edition_is_sent(
    client: TestClient,
    engine: AsyncEngine,
    sessions: SessionFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edition = await make_edition(sessions)
    await add_subscribers(sessions, 4)
    async with sessions() as session:
        await delivery_queue.enqueue_edition(session, edition, utcnow())
        await session.commit()
    queued = await scrape(client)
    monkeypatch.setenv("AIVE_OUTBOX_DIR", str(tmp_path))
    monkeypatch.delenv("AIVE_SENDGRID_API_KEY", raising=False)
    await drain_deliveries(AppContext(load_settings(), engine, sessions))
    sent = await scrape(client)

    assert queued.value("aive_delivery_queue", state="queued") == 4
    assert sent.value("aive_delivery_queue", state="queued") == 0
    assert sent.value("aive_delivery_queue", state="accepted") == 4
    accepted = sent.value("aive_deliveries_total", outcome="accepted")
    assert accepted - queued.value("aive_deliveries_total", outcome="accepted") == 4


async def test_chat_outbox_messages_and_depth_move_when_a_worker_drains(
    client: TestClient, fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    users = [fake_telegram.make_user(f"U{i}") for i in range(3)]
    async with sessions() as session:
        await enqueue_broadcast(
            session, BroadcastKind.text, {"text": {"en": "Hi"}}, [Recipient(u.id) for u in users]
        )
    queued = await scrape(client)
    settings = SimpleNamespace(
        telegram_token=SecretStr(fake_telegram.token),
        telegram_api_url=fake_telegram.url,
        broadcast_per_second=30,
        broadcast_group_per_minute=20,
    )
    await BroadcastDrainer()(SimpleNamespace(settings=settings, sessions=sessions))
    sent = await scrape(client)

    assert queued.value("aive_outbox_queue", state="queued") == 3
    assert sent.value("aive_outbox_queue", state="queued") == 0
    moved = sent.value("aive_outbox_messages_total", outcome="sent") - queued.value(
        "aive_outbox_messages_total", outcome="sent"
    )
    assert moved == 3


async def test_scheduler_jobs_and_feed_fetches_are_counted(
    client: TestClient, engine: AsyncEngine, sessions: SessionFactory
) -> None:
    async with sessions() as session:  # a feed nobody answers for: a fetch error
        session.add(
            Source(url="http://127.0.0.1:1/feed.xml", next_fetch_at=utcnow() - timedelta(minutes=1))
        )
        await session.commit()
    settings = load_settings(feeds_allow_private_addresses=True)
    ctx = AppContext(settings, engine, sessions)

    async def fails(ctx: AppContext) -> None:
        raise RuntimeError("job failed")

    before = await scrape(client)
    await _guarded(Job("feeds.fetch_due", fetch_due_feeds, lambda c: None), ctx)()  # type: ignore[arg-type, return-value]
    await _guarded(Job("test.fails", fails, lambda c: None), ctx)()  # type: ignore[arg-type, return-value]
    after = await scrape(client)

    def moved(sample: str, **labels: str) -> float:
        return after.value(sample, **labels) - before.value(sample, **labels)

    assert moved("aive_feed_fetches_total", outcome="error") == 1
    assert moved("aive_scheduler_jobs_total", job="feeds.fetch_due", outcome="ok") == 1
    assert moved("aive_scheduler_jobs_total", job="test.fails", outcome="error") == 1
    assert moved("aive_scheduler_job_seconds_count", job="feeds.fetch_due") == 1


async def test_pool_use_follows_connections_and_requests_are_counted(
    client: TestClient, engine: AsyncEngine
) -> None:
    idle = await scrape(client)
    watch_pool(engine.sync_engine)
    async with engine.connect(), engine.connect():
        busy = await scrape(client)
    await asyncio.sleep(0)
    done = await scrape(client)

    assert busy.value("aive_db_connections_in_use") - idle.value("aive_db_connections_in_use") == 2
    assert done.value("aive_db_connections_in_use") == idle.value("aive_db_connections_in_use")
    assert done.value("aive_db_pool_capacity") > idle.value("aive_db_pool_capacity")
    assert (
        done.value("aive_http_requests_total", route="/metrics", status="2xx")
        - idle.value("aive_http_requests_total", route="/metrics", status="2xx")
        == 2
    )
