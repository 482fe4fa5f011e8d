"""Turn due feed sources into items: fetch ▶ parse ▶ detect language ▶ upsert.

One source's failure never stops the others: each source is fetched, parsed and stored on its
own, in its own transaction, and its outcome (counts, or a one-line error) is reported and kept
on the source row. Parsing and language detection run in a worker thread so a long run does
not freeze the rest of the process (`aive run` serves the bot from the same event loop).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from newsletter.feeds.backoff import next_attempt
from newsletter.feeds.fetch import Fetcher, FetchLimits, FetchRequest, FetchResult, FetchStatus
from newsletter.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from newsletter.language import Guess, detect_language
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source, SourceStatus

log = logging.getLogger(__name__)

# Sources fetched together before their results are stored: bounds the bodies held in memory.
BATCH = 100
MAX_URL = 2000  # Item.url


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
    """Fetch every due source (or every active one) and store what it carries.

    Returns one report per source, in source order. Never raises for a source's problem.
    """
    async with sessions() as session:
        if only_due:
            sources = await due_sources(session, now)
        else:
            query = select(Source).where(Source.status == SourceStatus.active).order_by(Source.id)
            sources = list((await session.scalars(query)).all())
        requests = [(s.id, FetchRequest(s.url, s.etag, s.last_modified)) for s in sources]
    reports = []
    for start in range(0, len(requests), BATCH):
        batch = requests[start : start + BATCH]
        results = await fetcher.fetch_many(r for _, r in batch)
        for (source_id, _), result in zip(batch, results, strict=True):
            reports.append(await _store_guarded(sessions, source_id, result, now, interval))
    return reports


async def _store_guarded(
    sessions: SessionFactory,
    source_id: int,
    result: FetchResult,
    now: datetime,
    interval: timedelta,
) -> SourceReport:
    try:
        return await store_result(sessions, source_id, result, now, interval)
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
) -> SourceReport:
    """Apply one fetch result to its source in one transaction; may raise on database errors."""
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
        report = _failed(source, now, interval, "HTTP 410 Gone: the publisher removed this feed")
        return replace(report, url=url, disabled=True)
    if result.status is FetchStatus.ERROR or (result.ok and result.body is None):
        return replace(_failed(source, now, interval, result.error or "fetch failed"), url=url)
    moved_to = await _follow_move(session, source, result)
    if result.status is FetchStatus.NOT_MODIFIED:
        _succeeded(source, result, now, interval)
        return SourceReport(source.id, url, not_modified=True, moved_to=moved_to)
    assert result.body is not None
    parsed = await asyncio.to_thread(
        parse_feed, result.body, result.final_url or source.url, fetched_at=result.fetched_at
    )
    if parsed.error and not parsed.entries:
        # Validators are not kept: the next fetch must get the document again, not a 304.
        report = _failed(source, now, interval, parsed.error)
        return replace(report, url=url, moved_to=moved_to)
    if not source.title and parsed.title:
        source.title = parsed.title[:500]
    new, updated, unchanged = await upsert_entries(session, source, parsed)
    _succeeded(source, result, now, interval)
    # a recoverable problem (bozo) is kept for staff to see, though entries were stored
    if parsed.error:
        source.last_error = parsed.error[:500]
        source.last_error_at = now
    return SourceReport(
        source.id, url, new, updated, unchanged, error=source.last_error, moved_to=moved_to
    )


async def _follow_move(session: AsyncSession, source: Source, result: FetchResult) -> str | None:
    """Store the new address of a permanently moved feed (unless another source has it)."""
    target = result.moved_to
    if not target or target == source.url or len(target) > MAX_URL:
        return None
    taken = await session.scalar(select(Source.id).where(Source.url == target))
    if taken is not None:
        log.warning("feed source %s moved to %s, already source %s", source.id, target, taken)
        return None
    log.info("feed source %s moved permanently to %s", source.id, target)
    source.url = target
    return target


def _succeeded(source: Source, result: FetchResult, now: datetime, interval: timedelta) -> None:
    source.etag = result.etag
    source.last_modified = result.last_modified
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
    """Store entries as (new, updated, unchanged): one item per URL, linked to every source
    that carried it. An entry is found again by this source's guid, else by its URL; a changed
    content hash rewrites the item (and re-detects its language), an equal one leaves it."""
    entries = _unique(parsed.entries, source.url)
    if not entries:
        return 0, 0, 0
    urls = [_item_url(e, source.url) for e in entries]
    # Links and sources are not needed here: loading them would cost two queries per batch.
    light = (lazyload(Item.links),)
    by_url = {
        item.url: item
        for item in await session.scalars(select(Item).where(Item.url.in_(urls)).options(*light))
    }
    mine = (
        select(ItemSource)
        .where(ItemSource.source_id == source.id)
        .options(lazyload(ItemSource.source))
    )
    guids = [e.guid for e in entries]
    known_ids = [item.id for item in by_url.values()]
    links = list(
        await session.scalars(
            mine.where(or_(ItemSource.guid.in_(guids), ItemSource.item_id.in_(known_ids)))
        )
    )
    by_guid = {link.guid: link for link in links}
    link_of_item = {link.item_id: link for link in links}
    by_id = {item.id: item for item in by_url.values()}
    missing = {link.item_id for link in by_guid.values()} - by_id.keys()
    if missing:
        query = select(Item).where(Item.id.in_(missing)).options(*light)
        by_id.update({item.id: item for item in await session.scalars(query)})

    plan: list[tuple[FeedEntry, str, Item | None, ItemSource | None]] = []
    for entry, url in zip(entries, urls, strict=True):
        link = by_guid.get(entry.guid)
        item = by_id.get(link.item_id) if link is not None else by_url.get(url)
        if link is None and item is not None:
            link = link_of_item.get(item.id)  # this source changed the entry's guid
        plan.append((entry, url, item, link))
    changed = [e for e, _, item, _ in plan if item is None or item.content_hash != e.content_hash]
    guesses = dict(
        zip(
            map(id, changed),
            await asyncio.to_thread(_guess_languages, changed, source.language),
            strict=True,
        )
    )

    new = updated = unchanged = 0
    for entry, url, found, link in plan:
        item = found
        if item is None:
            item = Item(url=url)
            session.add(item)
            new += 1
        elif item.content_hash != entry.content_hash:
            if item.url != url and url not in by_url:  # the publisher changed the address
                item.url = url
                by_url[url] = item
            updated += 1
        else:
            unchanged += 1
        if id(entry) in guesses:
            _fill(item, entry, guesses[id(entry)])
        if link is None:
            session.add(ItemSource(item=item, source_id=source.id, guid=entry.guid))
        elif link.guid != entry.guid:
            link.guid = entry.guid
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
        if len(url) > MAX_URL:
            log.warning(
                "feed %s: entry address longer than %d characters skipped", source_url, MAX_URL
            )
            continue
        seen_guids.add(entry.guid)
        seen_urls.add(url)
        kept.append(entry)
    return kept


def _item_url(entry: FeedEntry, source_url: str) -> str:
    return entry.url or f"{source_url}#{entry.guid}"


def _guess_languages(entries: Sequence[FeedEntry], source_language: str | None) -> list[Guess]:
    """Language of each entry, hinted by its xml:lang, then the feed's, then the source's."""
    return [
        detect_language(
            f"{entry.title}\n{entry.content_text or entry.summary_text}",
            hints=[h for h in (entry.declared_language, entry.language, source_language) if h],
        )
        for entry in entries
    ]


def _fill(item: Item, entry: FeedEntry, guess: Guess) -> None:
    item.guid = entry.guid[:2000]
    item.title = entry.title[:1000]
    item.summary_html = entry.summary_html
    item.summary_text = entry.summary_text
    item.content_html = entry.content_html
    item.content_text = entry.content_text
    item.published_at = entry.published_at
    item.author = entry.author[:500] if entry.author else None
    item.categories = list(entry.categories)
    item.image_url = entry.image if entry.image and len(entry.image) <= MAX_URL else None
    item.language = guess.lang
    item.language_confidence = guess.confidence
    item.content_hash = entry.content_hash
    item.event_at = entry.event_at


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
    async with Fetcher(settings.public_url, limits) as fetcher:
        return await fetch_due(sessions, fetcher, utcnow(), interval, only_due=only_due)
