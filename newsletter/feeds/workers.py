"""Feed parsing in worker processes, so that parsing overlaps storing on another core.

Parsing (feedparser + nh3) is pure Python holding the GIL: in a worker thread it only
interleaves with the event loop, language detection and the database driver, it never runs
beside them. A small process pool (``PARSE_PROCESSES`` workers, started with ``spawn`` so no
lock or thread state of the event loop's process is copied) parses the next feeds while this
process stores the previous ones. Workers start on the first feed (~0.5-1 s) or on ``start()``
(a long-running worker at start-up), and stay until the process exits. Each holds ~40 MB for
the parser, plus what the program's main module imports (``spawn`` imports it again: ~75 MB in
all for benchmarks/ingest.py).

Measured by benchmarks/ingest.py (200 feeds × 50 entries, 2 cores shared with other jobs):
the first run takes 1.26-1.34× bare ``feedparser.parse`` in wall-clock time (1.7× when the
machine was busiest) against 1.75-1.80× (up to 2.4×) parsing in a thread, on SQLite and
PostgreSQL alike; its CPU time (both processes) stays 1.7-1.9× bare feedparser's either way.

The gain is throughput, not less work: the total CPU time is the same or a little more
(bodies and parsed entries are pickled between processes). If the pool breaks (a worker
killed), it is dropped and feeds are parsed in a thread again, so a source never fails for it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from functools import partial
from typing import Protocol

from newsletter.feeds.parse import ParsedFeed, parse_feed

log = logging.getLogger(__name__)


class Parse(Protocol):
    def __call__(self, data: bytes, url: str, *, fetched_at: datetime | None) -> ParsedFeed: ...


# Parsing takes about half as long as storing a feed: one worker keeps up; 0 parses in a thread.
PARSE_PROCESSES = 1 if (os.cpu_count() or 1) >= 2 else 0

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def parse_pool() -> ProcessPoolExecutor | None:
    """The shared pool (created on first use), or None when parsing stays in this process."""
    global _pool
    if PARSE_PROCESSES <= 0:
        return None
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(PARSE_PROCESSES, mp_context=context)
        return _pool


def start() -> None:
    """Start the workers now (and let them import the parser) rather than on the first feed."""
    pool = parse_pool()
    if pool is not None:
        futures = [pool.submit(_ready) for _ in range(PARSE_PROCESSES)]
        for future in futures:
            future.result()


def worker_pids() -> list[int]:
    """The process ids of the running workers (a benchmark reads their CPU time)."""
    pool = _pool
    processes = getattr(pool, "_processes", None) or {}
    return sorted(processes)


async def parse_elsewhere(
    data: bytes, url: str, fetched_at: datetime | None, parse: Parse = parse_feed
) -> ParsedFeed:
    """``parse`` in a worker process, or in a thread when there is no (working) pool.

    ``parse`` must be a module-level function for a worker process to find it.
    """
    pool = parse_pool()
    if pool is not None:
        job = partial(parse, data, url, fetched_at=fetched_at)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, job)
        except BrokenProcessPool:
            log.warning("feed parsing: worker process pool broke; parsing in a thread")
            _discard(pool)
    return await asyncio.to_thread(parse, data, url, fetched_at=fetched_at)


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _ready() -> bool:
    return True
