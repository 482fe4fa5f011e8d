"""Run one or several parts of the product in one event loop until SIGINT/SIGTERM.

Each part is `async def serve(ctx, stop)` returning when `stop` is set. On a signal every part
gets up to SHUTDOWN_SECONDS to finish, then whatever is left is cancelled. A part that fails
(say, the web app cannot listen on its port) stops the others, and `run_parts` raises
`PartFailed` once they have stopped, so that the process exits non-zero.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from app.context import AppContext
from app.people import grant_configured_staff
from app.settings import Settings

log = logging.getLogger(__name__)
Part = Callable[[AppContext, asyncio.Event], Coroutine[Any, Any, None]]
SHUTDOWN_SECONDS = 10.0


class CannotListen(Exception):
    """The web part cannot listen on `host`:`port` (taken, not ours to bind, no such address)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port, self.reason = host, port, reason


class PartFailed(Exception):
    """A part raised `error`; the others were stopped."""

    def __init__(self, part: str, error: BaseException) -> None:
        super().__init__(f"{part}: {type(error).__name__}: {error}")
        self.part = part
        self.error = error


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Text or JSON lines (AIVE_LOG_FORMAT) on stderr, every secret setting masked, errors
    counted for /metrics."""
    from telemetry.logs import configure
    from telemetry.metrics import ErrorCounter

    configure(settings.log_format == "json", settings.secret_values(), level)
    logging.getLogger().addHandler(ErrorCounter())
    # aiohttp access logs and sendgrid/http clients can echo URLs with tokens: keep them quiet
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)


async def _prepare(ctx: AppContext) -> None:
    if ctx.settings.staff_ids:
        async with ctx.sessions() as session:
            added = await grant_configured_staff(session, ctx.settings.staff_ids)
            await session.commit()
        if added:
            log.info("staff from AIVE_STAFF_TELEGRAM_IDS: %d granted", len(added))


async def run_parts(settings: Settings, parts: Sequence[Part]) -> None:
    ctx = AppContext.build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _prepare(ctx)
        tasks: list[asyncio.Task[None]] = [
            asyncio.create_task(part(ctx, stop), name=part.__name__) for part in parts
        ]
        stopper = asyncio.create_task(stop.wait())
        running: set[asyncio.Task[Any]] = set(tasks)
        failed: PartFailed | None = None
        # a part that returns normally (say, the bot without a token) leaves the others running;
        # a part that fails stops the process, since it cannot do its job any more
        while running and not stop.is_set():
            done, running = await asyncio.wait(
                [*running, stopper], return_when=asyncio.FIRST_COMPLETED
            )
            running.discard(stopper)
            for task in done:
                error = None if task is stopper else task.exception()
                if error is not None and failed is None:
                    failed = PartFailed(task.get_name(), error)
                    stop.set()
        stop.set()
        log.info("shutting down")
        _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_SECONDS)
        for task in pending:
            log.warning("%s did not stop in %.0f s; cancelling", task.get_name(), SHUTDOWN_SECONDS)
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        stopper.cancel()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await ctx.close()
    log.info("stopped")
    if failed is not None:
        raise failed
