"""`/webhooks/telegram` on the web app: checks Telegram's secret token, claims the update
(bot.update_claims), handles it and answers 200 only once it is handled. Telegram resends what
it got no 200 for: an update being handled by a process that dies (a SIGKILL, a crash) reaches
another process, which takes the claim over once its lease ran out, instead of being lost
(an answer sent before the end of handling would lose it). A resend of an update handled
already gets 200 and nothing else; one still being handled elsewhere gets 503, and Telegram
tries again later."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.commands import publish_menu
from bot.config import BotConfig
from bot.dispatcher import build_dispatcher, used_update_types
from bot.i18n import build_i18n
from bot.runner import BotContext
from bot.session import make_bot
from bot.update_claims import RedisUpdateClaims, UpdateClaims
from storage.engine import SessionFactory
from storage.update_claims_queries import Claim

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# updates one process handles at once: each holds a database connection (a pool has 5 + 10)
# and Redis connections; more waiting requests make Telegram wait, which is its back-pressure
HANDLING_AT_ONCE = 10
PATH = "/webhooks/telegram"


class TelegramWebhook:
    def __init__(
        self, config: BotConfig, dp: Dispatcher, bot: Bot, sessions: SessionFactory
    ) -> None:
        assert config.webhook_secret, "webhook mode needs AIVE_TELEGRAM_WEBHOOK_SECRET"
        self.secret = config.webhook_secret.encode()
        self.dp = dp
        self.bot = bot
        self.claims = make_claims(dp, sessions, bot.id)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.slots = asyncio.Semaphore(HANDLING_AT_ONCE)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.json_response({"error": "missing secret token"}, status=401)
        # aiohttp keeps header bytes that are not UTF-8 as surrogates: compare them as sent
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.secret):
            return web.json_response({"error": "wrong secret token"}, status=403)
        try:
            update = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"error": "body is not JSON"}, status=400)
        if not isinstance(update, dict) or type(update.get("update_id")) is not int:
            return web.json_response({"error": "not a Telegram update"}, status=400)
        await self.slots.acquire()  # no 200 before the update is handled
        if request.transport is None or request.transport.is_closing():
            self.slots.release()  # Telegram gave up waiting and will resend it
            return web.json_response({"error": "gone"}, status=503)
        update_id = int(update["update_id"])
        try:
            claim = await self.claims.claim(update_id)
        except Exception:  # the database is away: Telegram will resend it
            self.slots.release()
            log.exception("could not claim update %s", update_id)
            return web.json_response({"error": "try again"}, status=503)
        if claim is not Claim.taken:
            self.slots.release()
            if claim is Claim.done:  # a resend of an update handled already
                return web.json_response({"ok": True, "duplicate": True})
            return web.json_response(
                {"error": "being handled"}, status=503, headers={"Retry-After": "1"}
            )
        task = asyncio.create_task(self._process(update_id, update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        task.add_done_callback(lambda _: self.slots.release())
        # handled to the end even if Telegram stops waiting (its resend then finds it done)
        await asyncio.wait([task])
        return web.json_response({"ok": True})

    async def _process(self, update_id: int, update: dict[str, Any]) -> None:
        try:
            await self.dp.feed_raw_update(self.bot, update)
        except asyncio.CancelledError:  # shutting down: let the next delivery take it at once
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(self.claims.release(update_id))
            raise
        except Exception:  # the errors middleware has said sorry; keep the web app alive
            log.exception("webhook update %s failed", update_id)
        try:
            await self.claims.finish(update_id)
        except Exception:  # the lease runs out; Telegram has its 200 and will not resend
            log.exception("could not mark update %s handled", update_id)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for updates still being handled (on shutdown)."""
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)
        await self.claims.close()


def make_claims(dp: Dispatcher, sessions: SessionFactory, bot_id: int) -> UpdateClaims:
    """In Redis when the bot's state is there (production), else in the database."""
    redis = getattr(dp.storage, "redis", None)
    if redis is not None:
        return RedisUpdateClaims(redis, bot_id)
    return UpdateClaims(sessions, bot_id)


WEBHOOK = web.AppKey("telegram_webhook", TelegramWebhook)


async def _not_configured(request: web.Request) -> web.Response:
    return web.json_response({"error": "the Telegram webhook is not enabled"}, status=404)


def setup_webhook_routes(app: web.Application, ctx: BotContext) -> None:
    """Add `/webhooks/telegram`; 404 unless both the token and the webhook secret are set."""
    settings = ctx.settings
    if settings.telegram_token is None or settings.telegram_webhook_secret is None:
        app.router.add_post(PATH, _not_configured)
        return
    config = BotConfig.from_settings(settings)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        bot = make_bot(config.token, config.api_url)
        hook = TelegramWebhook(config, build_dispatcher(config, ctx.sessions), bot, ctx.sessions)
        app[WEBHOOK] = hook
        yield
        await hook.drain()
        await bot.session.close()

    async def handle(request: web.Request) -> web.Response:
        return await request.app[WEBHOOK].handle(request)

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post(PATH, handle)


async def set_webhook(config: BotConfig, url: str | None = None) -> str:
    """Register our webhook with Telegram (with the secret token); returns the URL set."""
    if not config.webhook_secret:
        raise ValueError("AIVE_TELEGRAM_WEBHOOK_SECRET is not set")
    target = url or config.webhook_url
    bot = make_bot(config.token, config.api_url)
    try:
        await bot.set_webhook(
            target, secret_token=config.webhook_secret, allowed_updates=used_update_types()
        )
        await publish_menu(bot, build_i18n(config.default_language))
    finally:
        await bot.session.close()
    return target
