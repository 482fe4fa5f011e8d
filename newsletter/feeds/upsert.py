"""Parsed entries ▶ items: one item per URL, linked to every source that carried it.

An entry is found again by its source's guid, else by its URL. A changed content hash rewrites
the item and re-detects its language; an equal one costs nothing but the lookup. An item's text
belongs to the source that carried it first: another source carrying the same link is linked to
the item but never rewrites it (or two feeds would flip it on every fetch). New items and
links are written with bulk INSERTs (one round trip per few dozen rows), changed ones with one
bulk UPDATE: the ORM's per-object bookkeeping was most of the storing time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.feeds.language import UNDETERMINED, Guess, detector_for
from newsletter.feeds.parse import FeedEntry, ParsedFeed
from storage import feeds_queries
from storage.base import utcnow
from storage.feeds import Source

log = logging.getLogger(__name__)

MAX_URL = 2000  # Item.url
# The first paragraphs tell the language; detection time grows with the text.
LANGUAGE_SAMPLE = 300
# A feed's own language, detected from its entries, hints entries that declare none, when the
# detector is at least this sure of it (a feed mixing languages is not).
FEED_GUESS_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class _Known:
    id: int
    url: str
    content_hash: str


# An entry, its item's URL, the item found for it (None: new) and this source's link to it.
_Step = tuple[FeedEntry, str, _Known | None, "Row[int, int, str] | None"]


@dataclass(slots=True)
class _Writes:
    """The rows one fetch writes: new items, changed items, new links and re-keyed links."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    new_links: list[tuple[str, str]] = field(default_factory=list)  # (item url, guid) of inserts
    link_rows: list[dict[str, Any]] = field(default_factory=list)
    rekeyed: list[dict[str, Any]] = field(default_factory=list)


async def upsert_entries(session: AsyncSession, source: Source, parsed: ParsedFeed) -> Counts:
    """Store a source's entries as items; `new` counts items created, not new links."""
    entries = unique_entries(parsed.entries, source.url)
    if not entries:
        return Counts()
    urls = [item_url(e, source.url) for e in entries]
    plan, taken = await _plan(session, source, entries, urls)
    changed = [
        e for e, _, found, _ in plan if found is None or found.content_hash != e.content_hash
    ]
    guesses = await asyncio.to_thread(guess_languages, changed, source.language)
    guess_of = dict(zip(map(id, changed), guesses, strict=True))
    now = utcnow()
    writes = _writes(source, plan, guess_of, taken, now)
    await _store(session, source, writes, now)
    new, updated = len(writes.inserts), len(writes.updates)
    return Counts(new, updated, len(plan) - new - updated)


async def _plan(
    session: AsyncSession, source: Source, entries: list[FeedEntry], urls: list[str]
) -> tuple[list[_Step], set[str]]:
    """Each entry with the item it is already (by this source's guid, else by URL), and the
    URLs taken by known items."""
    by_url = {row[1]: _Known(*row) for row in await feeds_queries.item_versions(session, urls=urls)}
    by_id = {k.id: k for k in by_url.values()}
    guids = [e.guid for e in entries]
    links = await feeds_queries.source_links(session, source.id, guids, list(by_id))
    link_by_guid = {link.guid: link for link in links}
    link_by_item = {link.item_id: link for link in links}
    missing = {link.item_id for link in links} - by_id.keys()
    if missing:
        rows = await feeds_queries.item_versions(session, ids=missing)
        by_id.update({row[0]: _Known(*row) for row in rows})

    owner = await feeds_queries.first_sources(session, list(by_id))
    plan: list[_Step] = []
    for entry, url in zip(entries, urls, strict=True):
        link = link_by_guid.get(entry.guid)
        found = by_id.get(link.item_id) if link is not None else by_url.get(url)
        if link is None and found is not None:
            link = link_by_item.get(found.id)  # this source changed the entry's guid
        if found is not None and owner.get(found.id, source.id) != source.id:
            found = replace(found, content_hash=entry.content_hash)  # not ours to rewrite
        plan.append((entry, url, found, link))
    return plan, set(by_url)


def _writes(
    source: Source,
    plan: list[_Step],
    guess_of: dict[int, Guess],
    taken: set[str],
    now: datetime,
) -> _Writes:
    writes = _Writes()
    for entry, url, found, link in plan:
        if found is None:
            values = _values(entry, guess_of[id(entry)])
            writes.inserts.append({"url": url, "fetched_at": now, **values})
            writes.new_links.append((url, entry.guid))
            continue
        if found.content_hash != entry.content_hash:
            values = {"id": found.id, **_values(entry, guess_of[id(entry)]), "updated_at": now}
            if found.url != url and url not in taken:  # the publisher changed the address
                values["url"] = url
                taken.add(url)
            writes.updates.append(values)
        if link is None:
            row = {"item_id": found.id, "source_id": source.id, "guid": entry.guid}
            writes.link_rows.append(row)
        elif link.guid != entry.guid:
            writes.rekeyed.append({"id": link.id, "guid": entry.guid})
    return writes


async def _store(session: AsyncSession, source: Source, writes: _Writes, now: datetime) -> None:
    link_rows = writes.link_rows
    if writes.inserts:
        new_ids = await feeds_queries.insert_items(session, writes.inserts)
        link_rows += [
            {"item_id": new_ids[url], "source_id": source.id, "guid": guid}
            for url, guid in writes.new_links
        ]
    if writes.updates:
        await feeds_queries.update_items(session, writes.updates)
    if writes.rekeyed:
        await feeds_queries.rekey_links(session, writes.rekeyed)
    if link_rows:
        await feeds_queries.insert_links(
            session, [{**row, "first_seen_at": now} for row in link_rows]
        )


def unique_entries(entries: Sequence[FeedEntry], source_url: str) -> list[FeedEntry]:
    """A feed that repeats a guid or URL keeps its first occurrence (feeds are newest first)."""
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    kept = []
    for entry in entries:
        url = item_url(entry, source_url)
        if entry.guid in seen_guids or url in seen_urls:
            continue
        if len(url) > MAX_URL:
            log.warning("feed %s: an entry address longer than %d skipped", source_url, MAX_URL)
            continue
        seen_guids.add(entry.guid)
        seen_urls.add(url)
        kept.append(entry)
    return kept


def item_url(entry: FeedEntry, source_url: str) -> str:
    return entry.url or f"{source_url}#{entry.guid}"


def guess_languages(entries: Sequence[FeedEntry], source_language: str | None) -> list[Guess]:
    """Each entry's language, hinted by its xml:lang, the feed's <language>, the source's.

    When an entry has none of those, the feed's language guessed from its entries together
    hints it: one detection per feed instead of a slow unhinted one per entry. The entry's
    own text still overrules a wrong hint (see newsletter.feeds.language).
    """
    hints = [[h for h in (e.declared_language, e.language, source_language) if h] for e in entries]
    detector = detector_for()
    feed_hint: list[str] = []
    if not all(hints):
        sample = " ".join(_sample(e) for e, h in zip(entries, hints, strict=True) if not h)
        guess = detector.detect(sample[: LANGUAGE_SAMPLE * 4])
        if guess.lang != UNDETERMINED and guess.confidence >= FEED_GUESS_CONFIDENCE:
            feed_hint = [guess.lang]
    return detector.detect_many([_sample(e) for e in entries], [h or feed_hint for h in hints])


def _sample(entry: FeedEntry) -> str:
    return f"{entry.title}\n{(entry.content_text or entry.summary_text)[:LANGUAGE_SAMPLE]}"


def _values(entry: FeedEntry, guess: Guess) -> dict[str, Any]:
    return {
        "guid": entry.guid[:2000],
        "title": entry.title[:1000],
        "summary_html": entry.summary_html,
        "summary_text": entry.summary_text,
        "content_html": entry.content_html,
        "content_text": entry.content_text,
        "published_at": entry.published_at,
        "author": entry.author[:500] if entry.author else None,
        "categories": list(entry.categories),
        "image_url": entry.image if entry.image and len(entry.image) <= MAX_URL else None,
        "language": guess.lang,
        "language_confidence": guess.confidence,
        "content_hash": entry.content_hash,
        "event_at": entry.event_at,
    }
