"""Queue drainers run by `aive worker`: each claims rows, does the I/O, records the outcome."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from app.context import AppContext
from app.delivery import drain_deliveries
from bot.broadcast.drainer import drain_broadcasts

log = logging.getLogger(__name__)
# A drainer handles one batch and returns how many rows it processed (0: nothing to do).
Drainer = Callable[[AppContext], Awaitable[int]]
DRAINERS: list[tuple[str, Drainer]] = [
    ("deliveries", drain_deliveries),
    ("broadcasts", drain_broadcasts),
]
IDLE_SECONDS = 2.0


async def serve_workers(ctx: AppContext, stop: asyncio.Event) -> None:
    log.info("worker draining: %s", ", ".join(name for name, _ in DRAINERS) or "no queues yet")
    while not stop.is_set():
        busy = 0
        for name, drain in DRAINERS:
            if stop.is_set():
                break
            try:
                busy += await drain(ctx)
            except Exception:  # one failing queue must not stop the others
                log.exception("worker queue %s failed; retrying later", name)
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=IDLE_SECONDS)
