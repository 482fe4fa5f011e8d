"""The parts a process can run; `aive run` runs them all in one event loop."""

from __future__ import annotations

import asyncio
import logging

from app.context import AppContext
from app.runtime import Part
from app.scheduler import serve_scheduler
from app.web import serve_web

log = logging.getLogger(__name__)


async def bot(ctx: AppContext, stop: asyncio.Event) -> None:
    if ctx.settings.telegram_token is None:
        log.info("Telegram bot is off: AIVE_TELEGRAM_TOKEN is not set")
        return
    from bot.runner import serve_bot

    await serve_bot(ctx, stop)


async def worker(ctx: AppContext, stop: asyncio.Event) -> None:
    from app.workers import serve_workers

    await serve_workers(ctx, stop)


WEB: Part = serve_web
SCHEDULER: Part = serve_scheduler
BOT: Part = bot
WORKER: Part = worker

PARTS: dict[str, Part] = {"web": WEB, "scheduler": SCHEDULER, "bot": BOT, "worker": WORKER}
