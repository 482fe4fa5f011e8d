"""The parts a process can run; `aive run` runs them all in one event loop.

Each part imports what it runs when it starts, so that `aive bot` loads no web app and
`aive web` no bot framework.
"""

from __future__ import annotations

import asyncio
import logging

from app.context import AppContext
from app.runtime import Part

log = logging.getLogger(__name__)


async def web(ctx: AppContext, stop: asyncio.Event) -> None:
    from app.web import serve_web

    await serve_web(ctx, stop)


async def scheduler(ctx: AppContext, stop: asyncio.Event) -> None:
    from app.scheduler import serve_scheduler

    await serve_scheduler(ctx, stop)


async def bot(ctx: AppContext, stop: asyncio.Event) -> None:
    if ctx.settings.telegram_token is None:
        log.info("Telegram bot is off: AIVE_TELEGRAM_TOKEN is not set")
        return
    from bot.runner import serve_bot

    await serve_bot(ctx, stop)


async def worker(ctx: AppContext, stop: asyncio.Event) -> None:
    from app.workers import serve_workers

    await serve_workers(ctx, stop)


PARTS: dict[str, Part] = {"web": web, "scheduler": scheduler, "bot": bot, "worker": worker}
