"""Turn due feed sources into items: fetch ▶ parse ▶ detect language ▶ upsert.

One source's failure never stops the others: each source is fetched, parsed and stored on its
own, and its outcome (counts, or a one-line error) is reported and kept on the source row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.feeds.backoff import next_attempt
from newsletter.feeds.fetch import Fetcher, FetchRequest, FetchResult, FetchStatus
from newsletter.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from newsletter.language import detect_language
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source, SourceStatus

log = logging.getLogger(__name__)


class FetchSettings(Protocol):
    public_url: str
    feeds_interval_minutes: int


@dataclass(frozen=True)
class SourceReport:
    source_id: int
    url: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "url": self.url,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "error": self.error,
        }


async def due_sources(session: AsyncSession, now: datetime) -> list[Source]:
    query = (
        select(Source)
        .where(Source.status == SourceStatus.active)
        .where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now))
        .order_by(Source.id)
    )
    return list((await session.scalars(query)).all())


async def fetch_due(
    sessions: SessionFactory,
    fetcher: Fetcher,
    now: datetime,
    interval: timedelta,
    only_due: bool = True,
) -> list[SourceReport]:
    """Fetch every due source (or every active one) and store what it carries."""
    async with sessions() as session:
        if only_due:
            sources = await due_sources(session, now)
        else:
            query = select(Source).where(Source.status == SourceStatus.active).order_by(Source.id)
            sources = list((await session.scalars(query)).all())
        requests = [FetchRequest(s.url, s.etag, s.last_modified) for s in sources]
        ids = [s.id for s in sources]
    results = await fetcher.fetch_many(requests)
    reports = []
    for source_id, result in zip(ids, results, strict=True):
        try:
            reports.append(await store_result(sessions, source_id, result, now, interval))
        except Exception as exc:  # one bad source must not stop the run
            log.exception("feed source %s: storing failed", source_id)
            reports.append(SourceReport(source_id, result.request.url, error=_one_line(exc)))
    return reports


async def store_result(
    sessions: SessionFactory,
    source_id: int,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
) -> SourceReport:
    async with sessions() as session:
        source = await session.get(Source, source_id)
        if source is None:
            return SourceReport(source_id, result.request.url, error="source deleted meanwhile")
        report = await _apply(session, source, result, now, interval)
        await session.commit()
        return report


async def _apply(
    session: AsyncSession, source: Source, result: FetchResult, now: datetime, interval: timedelta
) -> SourceReport:
    url = source.url
    if result.status is FetchStatus.GONE:
        source.status = SourceStatus.disabled
        return _failed(source, now, interval, "410 Gone: the publisher removed this feed; disabled")
    if result.status is FetchStatus.ERROR or (result.ok and result.body is None):
        return _failed(source, now, interval, result.error or "fetch failed")
    if result.moved_to and result.moved_to != source.url:
        taken = await session.scalar(select(Source.id).where(Source.url == result.moved_to))
        if taken is None:
            log.info("feed source %s moved permanently to %s", source.id, result.moved_to)
            source.url = result.moved_to
    source.etag = result.etag or source.etag
    source.last_modified = result.last_modified or source.last_modified
    if result.status is FetchStatus.NOT_MODIFIED:
        _succeeded(source, now, interval)
        return SourceReport(source.id, url, not_modified=True)
    assert result.body is not None
    parsed = parse_feed(result.body, result.final_url or source.url, fetched_at=result.fetched_at)
    if parsed.error and not parsed.entries:
        return _failed(source, now, interval, parsed.error)
    if not source.title and parsed.title:
        source.title = parsed.title[:500]
    new, updated, unchanged = await upsert_entries(session, source, parsed)
    _succeeded(source, now, interval)
    # a recoverable problem (bozo) is kept for staff to see, though entries were stored
    source.last_error = parsed.error
    source.last_error_at = now if parsed.error else source.last_error_at
    return SourceReport(source.id, url, new, updated, unchanged, error=parsed.error)


def _succeeded(source: Source, now: datetime, interval: timedelta) -> None:
    source.failures = 0
    source.last_success_at = now
    source.last_error = None
    source.next_fetch_at = now + interval


def _failed(source: Source, now: datetime, interval: timedelta, error: str) -> SourceReport:
    source.failures += 1
    source.last_error = error[:500]
    source.last_error_at = now
    source.next_fetch_at = next_attempt(source.failures, now, base=interval)
    return SourceReport(source.id, source.url, error=source.last_error)


async def upsert_entries(
    session: AsyncSession, source: Source, parsed: ParsedFeed
) -> tuple[int, int, int]:
    """Store entries: one item per URL, linked to every source that carried it."""
    entries = _unique(parsed.entries, source.url)
    if not entries:
        return 0, 0, 0
    guids = [e.guid for e in entries]
    links = {
        link.guid: link
        for link in (
            await session.scalars(
                select(ItemSource).where(
                    ItemSource.source_id == source.id, ItemSource.guid.in_(guids)
                )
            )
        ).all()
    }
    urls = [_item_url(e, source.url) for e in entries]
    by_url = {
        item.url: item
        for item in (await session.scalars(select(Item).where(Item.url.in_(urls)))).all()
    }
    new = updated = unchanged = 0
    for entry, url in zip(entries, urls, strict=True):
        link = links.get(entry.guid)
        item = link.item if link is not None else by_url.get(url)
        if item is None:
            item = Item(url=url, links=[])
            _fill(item, entry, source)
            session.add(item)
            by_url[url] = item
            new += 1
        elif item.content_hash != entry.content_hash:
            _fill(item, entry, source)
            updated += 1
        else:
            unchanged += 1
        if link is None:
            item.links.append(ItemSource(source_id=source.id, guid=entry.guid))
    return new, updated, unchanged


def _unique(entries: Sequence[FeedEntry], source_url: str) -> list[FeedEntry]:
    """A feed that repeats a guid or URL keeps its first occurrence (feeds are newest first)."""
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    kept = []
    for entry in entries:
        url = _item_url(entry, source_url)
        if entry.guid in seen_guids or url in seen_urls:
            continue
        seen_guids.add(entry.guid)
        seen_urls.add(url)
        kept.append(entry)
    return kept


def _item_url(entry: FeedEntry, source_url: str) -> str:
    return entry.url or f"{source_url}#{entry.guid}"


def _fill(item: Item, entry: FeedEntry, source: Source) -> None:
    guess = detect_language(
        f"{entry.title}\n{entry.content_text or entry.summary_text}",
        hints=[h for h in (entry.declared_language, entry.language, source.language) if h],
    )
    item.guid = entry.guid[:2000]
    item.title = entry.title[:1000]
    item.summary_html = entry.summary_html
    item.summary_text = entry.summary_text
    item.content_html = entry.content_html
    item.content_text = entry.content_text
    item.published_at = entry.published_at
    item.author = entry.author[:500] if entry.author else None
    item.categories = list(entry.categories)
    item.image_url = entry.image[:2000] if entry.image else None
    item.language = guess.lang
    item.language_confidence = guess.confidence
    item.content_hash = entry.content_hash
    item.event_at = entry.event_at


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


async def run_fetch(
    settings: FetchSettings, sessions: SessionFactory, only_due: bool = True
) -> list[SourceReport]:
    """One ingestion run with the configured limits (the CLI and the scheduler job call this)."""
    interval = timedelta(minutes=settings.feeds_interval_minutes)
    async with Fetcher(settings.public_url) as fetcher:
        return await fetch_due(sessions, fetcher, utcnow(), interval, only_due=only_due)
