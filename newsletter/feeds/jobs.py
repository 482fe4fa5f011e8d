"""Scheduled jobs of the newsletter package (wired in app/jobs.py)."""

from __future__ import annotations

import logging
from typing import Protocol

from newsletter.feeds.ingest import FetchSettings, run_fetch
from storage.engine import SessionFactory

log = logging.getLogger(__name__)


class JobContext(Protocol):
    @property
    def settings(self) -> FetchSettings: ...
    @property
    def sessions(self) -> SessionFactory: ...


async def fetch_due_feeds(ctx: JobContext) -> None:
    """Fetch the sources whose time has come (each keeps its own interval and backoff)."""
    reports = await run_fetch(ctx.settings, ctx.sessions)
    if reports:
        failed = [r for r in reports if r.error]
        new = sum(r.new for r in reports)
        log.info(
            "feeds: %d sources fetched, %d new items, %d errors", len(reports), new, len(failed)
        )
