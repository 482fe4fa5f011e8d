"""Every metric of the product, defined once. Names start with `aive_`; counters get `_total`.

Instrument at the edges: the bot's outer middleware, the delivery and chat-outbox drainers, the
feed job, the scheduler's job wrapper and the database pool (`watch_pool`). Queue depths are
read from the database when `/metrics` is scraped (app/probes.py), not counted here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from telemetry import multiproc

# what a person waits for: Telegram shows nothing until the answer comes
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.05, 0.25, 1.0, 5.0, 15.0, 60.0, 300.0)

UPDATES = Counter(
    "aive_bot_updates",
    "Telegram updates handled, by the handler that took them and how it ended (ok, error, "
    "dropped by the flood guard)",
    ["handler", "outcome"],
)
UPDATE_SECONDS = Histogram(
    "aive_bot_update_seconds",
    "Time from an update reaching the dispatcher to its handler returning, by handler",
    ["handler"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "aive_errors", "Errors logged (level ERROR or worse), by the package that logged them", ["area"]
)
DELIVERIES = Counter(
    "aive_deliveries",
    "Email deliveries a worker finished, by outcome (accepted, failed, uncertain, skipped)",
    ["outcome"],
)
OUTBOX_MESSAGES = Counter(
    "aive_outbox_messages",
    "Chat outbox messages a worker finished, by outcome (sent, blocked, failed, requeued)",
    ["outcome"],
)
HTTP_REQUESTS = Counter(
    "aive_http_requests", "Web requests answered, by route and status class", ["route", "status"]
)
FEED_FETCHES = Counter("aive_feed_fetches", "Feed fetches, by outcome (ok, error)", ["outcome"])
JOBS = Counter("aive_scheduler_jobs", "Scheduled job runs, by job and outcome", ["job", "outcome"])
JOB_SECONDS = Histogram(
    "aive_scheduler_job_seconds", "Duration of scheduled job runs", ["job"], buckets=JOB_BUCKETS
)
DB_IN_USE = Gauge(
    "aive_db_connections_in_use",
    "Database connections checked out of the pools of every process",
    multiprocess_mode="livesum",
)
DB_CAPACITY = Gauge(
    "aive_db_pool_capacity",
    "Connections the pools of every process may open (pool size + overflow)",
    multiprocess_mode="livesum",
)


@contextmanager
def timed_update(handler_label: dict[str, str]) -> Iterator[None]:
    """Count and time one update; `handler_label["handler"]` is filled in while it runs."""
    started = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = handler_label.get("outcome", "ok")
    finally:
        handler = handler_label.get("handler", "unhandled")
        UPDATES.labels(handler, outcome).inc()
        UPDATE_SECONDS.labels(handler).observe(time.perf_counter() - started)


@contextmanager
def timed_job(job: str) -> Iterator[None]:
    started = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        JOBS.labels(job, outcome).inc()
        JOB_SECONDS.labels(job).observe(time.perf_counter() - started)


def watch_pool(sync_engine: Any) -> None:
    """Follow the connections `sync_engine` (an AsyncEngine's `.sync_engine`) checks out."""
    from sqlalchemy import event

    pool = sync_engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        DB_CAPACITY.inc(size() + max(overflow, 0))

    @event.listens_for(sync_engine, "checkout")
    def _out(*_args: Any) -> None:
        DB_IN_USE.inc()

    @event.listens_for(sync_engine, "checkin")
    def _in(*_args: Any) -> None:
        DB_IN_USE.dec()


class ErrorCounter(logging.Handler):
    """A logging handler that counts ERROR records by the top package of their logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.labels(record.name.partition(".")[0] or "root").inc()


def exposition(gauges: list[GaugeMetricFamily]) -> tuple[bytes, str]:
    """The text format of every process's metrics (multiprocess mode) or this process's, then
    `gauges` (read at scrape time); with its content type."""
    if multiproc.enabled():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    extra = CollectorRegistry()
    extra.register(_Fixed(gauges))
    return generate_latest(registry) + generate_latest(extra), CONTENT_TYPE_LATEST


class _Fixed:
    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> list[GaugeMetricFamily]:
        return self.families
