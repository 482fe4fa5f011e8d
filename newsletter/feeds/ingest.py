"""Turn due feed sources into items: fetch ▶ parse ▶ detect language ▶ upsert.

One source's failure never stops the others: each source is fetched, parsed and stored on its
own, in its own transaction, and its outcome (counts, or a one-line error) is reported and kept
on the source row. Parsing runs in a worker process (newsletter.feeds.workers: it overlaps
storing on another core) and language detection in a worker thread, so a long run does not
freeze the rest of the process (`aive run` serves the bot from the same event loop).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from newsletter.feeds import workers
from newsletter.feeds.backoff import next_attempt
from newsletter.feeds.fetch import Fetcher, FetchLimits, FetchRequest, FetchResult, FetchStatus
from newsletter.feeds.parse import ParsedFeed, parse_feed
from newsletter.feeds.upsert import MAX_URL, upsert_entries
from storage import feeds_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Source, SourceStatus

log = logging.getLogger(__name__)

# Sources fetched together before their results are stored: bounds the bodies held in memory.
BATCH = 100


class FetchSettings(Protocol):
    public_url: str
    feeds_interval_minutes: int
    feeds_allow_private_addresses: bool


@dataclass(frozen=True)
class SourceReport:
    source_id: int
    url: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    error: str | None = None
    moved_to: str | None = None
    disabled: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "url": self.url,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "error": self.error,
            "moved_to": self.moved_to,
            "disabled": self.disabled,
        }


async def due_sources(session: AsyncSession, now: datetime) -> list[Source]:
    """Active sources whose next fetch time has come (or that were never fetched)."""
    return await feeds_queries.active_sources(session, due_at=now)


async def fetch_due(
    sessions: SessionFactory,
    fetcher: Fetcher,
    now: datetime,
    interval: timedelta,
    only_due: bool = True,
) -> list[SourceReport]:
    """Fetch every due source (or every active one) and store what it carries.

    Returns one report per source, in source order. Never raises for a source's problem.
    """
    async with sessions() as session:
        if only_due:
            sources = await due_sources(session, now)
        else:
            sources = await feeds_queries.active_sources(session)
        requests = [(s.id, FetchRequest(s.url, s.etag, s.last_modified)) for s in sources]
    reports: list[SourceReport] = []
    batches = [requests[start : start + BATCH] for start in range(0, len(requests), BATCH)]
    fetching = _fetch_batch(fetcher, batches[0]) if batches else None
    for index, batch in enumerate(batches):
        assert fetching is not None
        results = await fetching
        # the next batch downloads while this one is stored
        more = index + 1 < len(batches)
        fetching = _fetch_batch(fetcher, batches[index + 1]) if more else None
        reports += await _store_batch(sessions, batch, results, now, interval)
    return reports


def _fetch_batch(
    fetcher: Fetcher, batch: list[tuple[int, FetchRequest]]
) -> asyncio.Future[list[FetchResult]]:
    return asyncio.ensure_future(fetcher.fetch_many(r for _, r in batch))


async def _store_batch(
    sessions: SessionFactory,
    batch: list[tuple[int, FetchRequest]],
    results: list[FetchResult],
    now: datetime,
    interval: timedelta,
) -> list[SourceReport]:
    """Store a batch of fetch results; reports in the batch's order.

    Unchanged feeds (304) are recorded together in one transaction. The others are stored one
    by one, each parsed in a worker process while the previous one is being stored.
    """
    ids = [source_id for source_id, _ in batch]
    pairs = list(zip(ids, results, strict=True))
    unchanged = [
        (i, r) for i, r in pairs if r.status is FetchStatus.NOT_MODIFIED and not r.moved_to
    ]
    by_id = await _store_not_modified(sessions, unchanged, now, interval)
    rest = [(i, r) for i, r in pairs if i not in by_id]
    parsing = _parse_soon(rest[0][1]) if rest else None
    for index, (source_id, result) in enumerate(rest):
        this, parsing = parsing, _parse_soon(rest[index + 1][1]) if index + 1 < len(rest) else None
        by_id[source_id] = await _store_guarded(sessions, source_id, result, now, interval, this)
    return [by_id[source_id] for source_id in ids]


def _parse_soon(result: FetchResult) -> asyncio.Future[ParsedFeed] | None:
    """Start parsing a fetched body in a worker process; None when there is nothing to parse."""
    if not result.ok or result.body is None:
        return None
    url = result.final_url or result.request.url
    return asyncio.ensure_future(
        workers.parse_elsewhere(result.body, url, result.fetched_at, parse_feed)
    )


async def _store_not_modified(
    sessions: SessionFactory,
    unchanged: list[tuple[int, FetchResult]],
    now: datetime,
    interval: timedelta,
) -> dict[int, SourceReport]:
    """Record 304 answers (validators, success time, next fetch) in one transaction.

    Returns the reports of the sources recorded; if that transaction fails, none, and the
    caller stores those sources one by one.
    """
    if not unchanged:
        return {}
    try:
        async with sessions() as session:
            wanted = [source_id for source_id, _ in unchanged]
            urls = await feeds_queries.source_urls(session, wanted)
            values = [
                {"id": source_id, **_success_values(result, now, interval)}
                for source_id, result in unchanged
                if source_id in urls
            ]
            await feeds_queries.update_sources(session, values)
            await session.commit()
    except Exception:
        log.exception("feed sources: recording %d unchanged feeds together failed", len(unchanged))
        return {}
    return {
        source_id: SourceReport(source_id, urls[source_id], not_modified=True)
        if source_id in urls
        else SourceReport(source_id, result.request.url, error="source deleted meanwhile")
        for source_id, result in unchanged
    }


async def _store_guarded(
    sessions: SessionFactory,
    source_id: int,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
    parsing: asyncio.Future[ParsedFeed] | None = None,
) -> SourceReport:
    try:
        return await store_result(sessions, source_id, result, now, interval, parsing)
    except Exception as exc:  # one bad source must not stop the run
        log.exception("feed source %s: storing failed", source_id)
        error = f"storing failed: {_one_line(exc)}"
        try:  # keep the failure on the source (and back off) in a fresh transaction
            async with sessions() as session:
                source = await session.get(Source, source_id)
                if source is not None:
                    _failed(source, now, interval, error)
                    await session.commit()
        except Exception:
            log.exception("feed source %s: recording the failure failed too", source_id)
        return SourceReport(source_id, result.request.url, error=error[:500])


async def store_result(
    sessions: SessionFactory,
    source_id: int,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
    parsing: asyncio.Future[ParsedFeed] | None = None,
) -> SourceReport:
    """Apply one fetch result to its source in one transaction; may raise on database errors.

    ``parsing``, when given, is the body's parse already under way (see ``_parse_soon``).
    """
    try:
        return await _store_result(sessions, source_id, result, now, interval, parsing)
    finally:
        if parsing is not None and not parsing.done():
            # never leave a worker thread's result (or error) unclaimed
            await asyncio.gather(parsing, return_exceptions=True)


async def _store_result(
    sessions: SessionFactory,
    source_id: int,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
    parsing: asyncio.Future[ParsedFeed] | None,
) -> SourceReport:
    async with sessions() as session:
        # the city is not needed here: skip the query that loads it
        source = await session.get(Source, source_id, options=[lazyload(Source.city)])
        if source is None:
            return SourceReport(source_id, result.request.url, error="source deleted meanwhile")
        report = await _apply(session, source, result, now, interval, parsing)
        await session.commit()
        return report


async def _apply(
    session: AsyncSession,
    source: Source,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
    parsing: asyncio.Future[ParsedFeed] | None = None,
) -> SourceReport:
    url = source.url
    if result.status is FetchStatus.GONE:
        source.status = SourceStatus.disabled
        report = _failed(source, now, interval, "HTTP 410 Gone: the publisher removed this feed")
        return replace(report, url=url, disabled=True)
    if result.status is FetchStatus.ERROR or (result.ok and result.body is None):
        return replace(_failed(source, now, interval, result.error or "fetch failed"), url=url)
    moved_to = await _follow_move(session, source, result)
    if result.status is FetchStatus.NOT_MODIFIED:
        _succeeded(source, result, now, interval)
        return SourceReport(source.id, url, not_modified=True, moved_to=moved_to)
    assert result.body is not None
    if parsing is not None:
        parsed = await parsing
    else:
        parsed = await asyncio.to_thread(
            parse_feed, result.body, result.final_url or source.url, fetched_at=result.fetched_at
        )
    if parsed.error and not parsed.entries:
        # Validators are not kept: the next fetch must get the document again, not a 304.
        report = _failed(source, now, interval, parsed.error)
        return replace(report, url=url, moved_to=moved_to)
    if not source.title and parsed.title:
        source.title = parsed.title[:500]
    counts = await upsert_entries(session, source, parsed)
    _succeeded(source, result, now, interval)
    # a recoverable problem (bozo) is kept for staff to see, though entries were stored
    if parsed.error:
        source.last_error = parsed.error[:500]
        source.last_error_at = now
    return SourceReport(
        source.id,
        url,
        counts.new,
        counts.updated,
        counts.unchanged,
        error=source.last_error,
        moved_to=moved_to,
    )


async def _follow_move(session: AsyncSession, source: Source, result: FetchResult) -> str | None:
    """Store the new address of a permanently moved feed (unless another source has it)."""
    target = result.moved_to
    if not target or target == source.url or len(target) > MAX_URL:
        return None
    taken = await feeds_queries.source_id_by_url(session, target)
    if taken is not None:
        log.warning("feed source %s moved to %s, already source %s", source.id, target, taken)
        return None
    log.info("feed source %s moved permanently to %s", source.id, target)
    source.url = target
    return target


def _succeeded(source: Source, result: FetchResult, now: datetime, interval: timedelta) -> None:
    for name, value in _success_values(result, now, interval).items():
        setattr(source, name, value)


def _success_values(result: FetchResult, now: datetime, interval: timedelta) -> dict[str, Any]:
    return {
        "etag": result.etag,
        "last_modified": result.last_modified,
        "failures": 0,
        "last_success_at": now,
        "last_error": None,
        "next_fetch_at": now + interval,
    }


def _failed(source: Source, now: datetime, interval: timedelta, error: str) -> SourceReport:
    source.failures += 1
    source.last_error = error[:500]
    source.last_error_at = now
    source.next_fetch_at = next_attempt(source.failures, now, base=interval)
    return SourceReport(source.id, source.url, error=source.last_error)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


async def run_fetch(
    settings: FetchSettings,
    sessions: SessionFactory,
    only_due: bool = True,
    limits: FetchLimits | None = None,
) -> list[SourceReport]:
    """One ingestion run with the configured limits (the CLI and the scheduler job call this)."""
    interval = timedelta(minutes=settings.feeds_interval_minutes)
    limits = limits or FetchLimits()
    if settings.feeds_allow_private_addresses:
        limits = replace(limits, private_addresses=True)
    async with Fetcher(settings.public_url, limits) as fetcher:
        return await fetch_due(sessions, fetcher, utcnow(), interval, only_due=only_due)
