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
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.feeds.language import UNDETERMINED, Guess, detector_for
from newsletter.feeds.parse import FeedEntry, ParsedFeed
from storage.base import utcnow
from storage.feeds import Item, ItemSource, Source

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


async def upsert_entries(session: AsyncSession, source: Source, parsed: ParsedFeed) -> Counts:
    """Store a source's entries as items; `new` counts items created, not new links."""
    entries = unique_entries(parsed.entries, source.url)
    if not entries:
        return Counts()
    urls = [item_url(e, source.url) for e in entries]
    known = select(Item.id, Item.url, Item.content_hash)
    by_url = {
        row.url: _Known(*row) for row in await session.execute(known.where(Item.url.in_(urls)))
    }
    by_id = {k.id: k for k in by_url.values()}
    guids = [e.guid for e in entries]
    links = (
        await session.execute(
            select(ItemSource.id, ItemSource.item_id, ItemSource.guid).where(
                ItemSource.source_id == source.id,
                or_(ItemSource.guid.in_(guids), ItemSource.item_id.in_(list(by_id))),
            )
        )
    ).all()
    link_by_guid = {link.guid: link for link in links}
    link_by_item = {link.item_id: link for link in links}
    missing = {link.item_id for link in links} - by_id.keys()
    if missing:
        rows = await session.execute(known.where(Item.id.in_(missing)))
        by_id.update({row.id: _Known(*row) for row in rows})

    owner = await _first_sources(session, list(by_id))
    plan = []
    for entry, url in zip(entries, urls, strict=True):
        link = link_by_guid.get(entry.guid)
        found = by_id.get(link.item_id) if link is not None else by_url.get(url)
        if link is None and found is not None:
            link = link_by_item.get(found.id)  # this source changed the entry's guid
        if found is not None and owner.get(found.id, source.id) != source.id:
            found = replace(found, content_hash=entry.content_hash)  # not ours to rewrite
        plan.append((entry, url, found, link))
    changed = [
        e for e, _, found, _ in plan if found is None or found.content_hash != e.content_hash
    ]
    guesses = await asyncio.to_thread(guess_languages, changed, source.language)
    guess_of = dict(zip(map(id, changed), guesses, strict=True))

    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    new_links: list[tuple[str, str]] = []  # (item url, guid) of items inserted now
    link_rows: list[dict[str, Any]] = []
    rekeyed: list[dict[str, Any]] = []
    taken = set(by_url)
    for entry, url, found, link in plan:
        if found is None:
            inserts.append({"url": url, "fetched_at": now, **_values(entry, guess_of[id(entry)])})
            new_links.append((url, entry.guid))
            continue
        if found.content_hash != entry.content_hash:
            values = {"id": found.id, **_values(entry, guess_of[id(entry)]), "updated_at": now}
            if found.url != url and url not in taken:  # the publisher changed the address
                values["url"] = url
                taken.add(url)
            updates.append(values)
        if link is None:
            link_rows.append({"item_id": found.id, "source_id": source.id, "guid": entry.guid})
        elif link.guid != entry.guid:
            rekeyed.append({"id": link.id, "guid": entry.guid})

    if inserts:
        rows = await session.execute(insert(Item).returning(Item.id, Item.url), inserts)
        new_ids = {row.url: row.id for row in rows}
        link_rows += [
            {"item_id": new_ids[url], "source_id": source.id, "guid": guid}
            for url, guid in new_links
        ]
    if updates:
        await session.execute(update(Item), updates)
    if rekeyed:
        await session.execute(update(ItemSource), rekeyed)
    if link_rows:
        await session.execute(
            insert(ItemSource), [{**row, "first_seen_at": now} for row in link_rows]
        )
    return Counts(len(inserts), len(updates), len(plan) - len(inserts) - len(updates))


async def _first_sources(session: AsyncSession, item_ids: list[int]) -> dict[int, int]:
    """The source that first carried each item (its earliest link)."""
    first: dict[int, int] = {}
    if item_ids:
        rows = await session.execute(
            select(ItemSource.item_id, ItemSource.source_id)
            .where(ItemSource.item_id.in_(item_ids))
            .order_by(ItemSource.id.desc())
        )
        first = {row.item_id: row.source_id for row in rows}  # the earliest one wins
    return first


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
