"""Polling (`serve_bot`) and the webhook route, against the fake Telegram over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.settings import Settings, load_settings
from app.web import build_web_app
from bot.config import BotConfig
from bot.runner import serve_bot
from bot.webhook import HANDLING_AT_ONCE, TelegramWebhook, set_webhook
from storage.engine import SessionFactory
from tests.bot.conftest import HarnessFactory
from tests.fakes.telegram import FakeTelegram

SECRET = "webhook-secret-123"


def _settings(fake: FakeTelegram, **extra: object) -> Settings:
    return load_settings(
        telegram_token=fake.token,
        telegram_api_url=fake.url,
        secret_key="test-secret",
        **extra,
    )


async def _until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_serve_bot_polls_and_answers_start_until_stopped(
    fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    ctx = SimpleNamespace(settings=_settings(fake_telegram), sessions=sessions)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_bot(ctx, stop))  # type: ignore[arg-type]
    ana = fake_telegram.make_user("Ana", language_code="fr")
    fake_telegram.user_sends_text(ana, "/start")
    await _until(lambda: bool(fake_telegram.sent_messages(ana.id)))
    assert fake_telegram.last_message(ana.id).text == "Bonjour ! Quelle langue préférez-vous ?"
    assert fake_telegram.calls_to("setMyCommands")  # the menu, in every language
    stop.set()
    async with asyncio.timeout(5):
        await task


async def test_serve_bot_in_webhook_mode_does_not_poll(
    fake_telegram: FakeTelegram, sessions: SessionFactory
) -> None:
    ctx = SimpleNamespace(
        settings=_settings(fake_telegram, telegram_webhook_secret=SECRET), sessions=sessions
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve_bot(ctx, stop))  # type: ignore[arg-type]
    await asyncio.sleep(0.1)
    stop.set()
    await task
    assert not fake_telegram.calls_to("getUpdates")


async def test_webhook_refuses_a_missing_or_wrong_secret_and_handles_the_right_one(
    fake_telegram: FakeTelegram, engine: AsyncEngine, sessions: SessionFactory
) -> None:
    settings = _settings(fake_telegram, telegram_webhook_secret=SECRET)
    app = build_web_app(AppContext(settings, engine, sessions))
    async with TestServer(app) as server:
        url = str(server.make_url("/webhooks/telegram"))
        target = await set_webhook(BotConfig.from_settings(settings), url)
        assert target == url and fake_telegram.world.webhook is not None

        ana = fake_telegram.make_user("Ana", language_code="es")
        update = fake_telegram._queue(
            message=fake_telegram.world.new_message(
                fake_telegram.world.chats[ana.id], ana, text="/start"
            ).to_api()
        )
        fake_telegram.world.updates.pending.clear()
        assert await fake_telegram.post_update(url, update) == 401
        assert await fake_telegram.post_update(url, update, "wrong") == 403
        assert not fake_telegram.sent_messages(ana.id)
        assert await fake_telegram.post_update(url, update, SECRET) == 200
        await _until(lambda: bool(fake_telegram.sent_messages(ana.id)))
        assert fake_telegram.last_message(ana.id).text == "¡Hola! ¿Qué idioma prefieres?"


async def test_webhook_without_a_secret_is_not_served(
    fake_telegram: FakeTelegram, engine: AsyncEngine, sessions: SessionFactory
) -> None:
    app = build_web_app(AppContext(_settings(fake_telegram), engine, sessions))
    async with (
        TestServer(app) as server,
        aiohttp.ClientSession() as client,
        client.post(server.make_url("/webhooks/telegram"), json={}) as response,
    ):
        assert response.status == 404


async def test_webhook_answers_200_only_once_a_quick_update_is_handled(
    make_harness: HarnessFactory,
) -> None:
    """A process killed while handling leaves Telegram without a 200: Telegram resends the
    update (to a process still alive) instead of it being lost."""
    quick = Router(name="quick")

    @quick.message(Command("quick"))
    async def quick_handler(message: Message) -> None:
        await asyncio.sleep(0.05)
        await message.answer("done")

    harness = make_harness(routers=[quick])
    config = BotConfig(token=harness.config.token, webhook_secret=SECRET)
    hook = TelegramWebhook(config, harness.dp, harness.bot, harness.sessions)
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    ana = harness.fake.make_user("Ana")
    harness.fake.user_sends_text(ana, "/quick")
    update = harness.fake.world.updates.pending.pop()
    async with TestServer(app) as server:
        assert await harness.fake.post_update(str(server.make_url("/hook")), update, SECRET) == 200
        assert harness.fake.last_message(ana.id).text == "done"  # handled before the 200


async def test_webhook_handles_at_most_a_few_updates_at_once_and_the_rest_wait(
    make_harness: HarnessFactory,
) -> None:
    """Every update holds a database connection: past HANDLING_AT_ONCE, requests wait (and
    Telegram with them) instead of exhausting the pool."""
    running = most = 0
    gate = asyncio.Event()
    slow = Router(name="slow")

    @slow.message(Command("slow"))
    async def slow_handler(message: Message) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await gate.wait()
        running -= 1
        await message.answer("done")

    harness = make_harness(routers=[slow])
    hook = TelegramWebhook(
        BotConfig(token=harness.config.token, webhook_secret=SECRET),
        harness.dp,
        harness.bot,
        harness.sessions,
    )
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    users = [harness.fake.make_user(f"U{i}") for i in range(HANDLING_AT_ONCE + 5)]
    for user in users:
        harness.fake.user_sends_text(user, "/slow")
    updates = list(harness.fake.world.updates.pending)
    async with TestServer(app) as server:
        url = str(server.make_url("/hook"))
        posts = [asyncio.create_task(harness.fake.post_update(url, u, SECRET)) for u in updates]
        while running < HANDLING_AT_ONCE:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        assert most == HANDLING_AT_ONCE
        gate.set()
        assert await asyncio.gather(*posts) == [200] * len(updates)
        await hook.drain()
    assert all(harness.fake.last_message(u.id).text == "done" for u in users)
