"""SQL for feed sources, their items and the links between them (no commit)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feeds import Item, ItemSource, Source, SourceStatus
from storage.networks import City


async def items_published_or_happening(
    session: AsyncSession,
    *,
    published: tuple[datetime, datetime],
    happening: tuple[datetime, datetime],
    limit: int,
) -> list[Item]:
    """Items published in the `published` window or whose event falls in the `happening` one
    (bounds included), oldest first, at most `limit`."""
    items = await session.scalars(
        select(Item)
        .where(or_(Item.published_at.between(*published), Item.event_at.between(*happening)))
        .order_by(Item.published_at, Item.id)
        .limit(limit)
    )
    return list(items.all())


async def item_city(session: AsyncSession, item_id: int) -> City | None:
    """The city of the first source that brought the item (None when it has no city)."""
    return await session.scalar(
        select(City)
        .join(Source, Source.city_id == City.id)
        .join(ItemSource, ItemSource.source_id == Source.id)
        .where(ItemSource.item_id == item_id)
        .order_by(ItemSource.first_seen_at, ItemSource.id)
        .limit(1)
    )


async def source_by_url(session: AsyncSession, url: str) -> Source | None:
    return await session.scalar(select(Source).where(Source.url == url))


async def source_id_by_url(session: AsyncSession, url: str) -> int | None:
    return await session.scalar(select(Source.id).where(Source.url == url))


async def sources_by_id(session: AsyncSession) -> list[Source]:
    return list((await session.scalars(select(Source).order_by(Source.id))).all())


async def active_sources(session: AsyncSession, *, due_at: datetime | None = None) -> list[Source]:
    """Active sources by id; with `due_at`, only those whose next fetch time has come by then
    (or that were never fetched)."""
    query = select(Source).where(Source.status == SourceStatus.active)
    if due_at is not None:
        query = query.where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= due_at))
    return list((await session.scalars(query.order_by(Source.id))).all())


async def item_counts(session: AsyncSession) -> dict[int, int]:
    """Source id → how many items it carries (sources without any are left out)."""
    rows = await session.execute(
        select(ItemSource.source_id, func.count()).group_by(ItemSource.source_id)
    )
    return {source_id: int(count) for source_id, count in rows.all()}


async def source_urls(session: AsyncSession, source_ids: Sequence[int]) -> dict[int, str]:
    """Source id → URL, for those of `source_ids` that exist."""
    rows = await session.execute(select(Source.id, Source.url).where(Source.id.in_(source_ids)))
    return {source_id: url for source_id, url in rows.all()}


async def update_sources(session: AsyncSession, values: Sequence[dict[str, Any]]) -> None:
    """Update sources by primary key (each dict has its "id"); no commit."""
    if values:
        await session.execute(update(Source), list(values))


async def item_versions(
    session: AsyncSession, *, urls: Sequence[str] = (), ids: Iterable[int] = ()
) -> list[tuple[int, str, str]]:
    """(id, url, content hash) of the items with these URLs, or these ids."""
    condition = Item.url.in_(list(urls)) if urls else Item.id.in_(list(ids))
    rows = await session.execute(select(Item.id, Item.url, Item.content_hash).where(condition))
    return [(i, u, h) for i, u, h in rows.all()]


async def source_links(
    session: AsyncSession, source_id: int, guids: Sequence[str], item_ids: Sequence[int]
) -> list[Row[int, int, str]]:
    """The source's links (id, item_id, guid) with one of these guids or to one of these items."""
    rows = await session.execute(
        select(ItemSource.id, ItemSource.item_id, ItemSource.guid).where(
            ItemSource.source_id == source_id,
            or_(ItemSource.guid.in_(guids), ItemSource.item_id.in_(list(item_ids))),
        )
    )
    return list(rows.all())


async def first_sources(session: AsyncSession, item_ids: Sequence[int]) -> dict[int, int]:
    """The source that first carried each item (its earliest link)."""
    if not item_ids:
        return {}
    rows = await session.execute(
        select(ItemSource.item_id, ItemSource.source_id)
        .where(ItemSource.item_id.in_(item_ids))
        .order_by(ItemSource.id.desc())
    )
    return {row.item_id: row.source_id for row in rows}  # the earliest one wins


async def insert_items(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert items; URL → new id."""
    inserted = await session.execute(insert(Item).returning(Item.id, Item.url), list(rows))
    return {row.url: row.id for row in inserted}


async def update_items(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Update items by primary key (each dict has its "id")."""
    await session.execute(update(Item), list(rows))


async def rekey_links(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Give links (each dict: "id" and "guid") their new guid."""
    await session.execute(update(ItemSource), list(rows))


async def insert_links(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await session.execute(insert(ItemSource), list(rows))


async def existing_item_ids(session: AsyncSession, ids: Iterable[int]) -> set[int]:
    """Those of `ids` that are items."""
    return set((await session.scalars(select(Item.id).where(Item.id.in_(list(ids))))).all())


async def item_titles(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    """Item id → title, for those of `ids` that are items."""
    if not ids:
        return {}
    rows = await session.execute(select(Item.id, Item.title).where(Item.id.in_(ids)))
    return {item_id: title for item_id, title in rows.all()}


async def all_sources(session: AsyncSession) -> list[Source]:
    return list((await session.scalars(select(Source))).all())


# the item fields an edition's candidate needs
CANDIDATE_COLUMNS = (
    Item.id,
    Item.title,
    Item.url,
    Item.published_at,
    Item.language,
    Item.summary_text,
    Item.summary_html,
    Item.image_url,
    Item.categories,
    Item.event_at,
)


async def candidate_rows(
    session: AsyncSession,
    source_ids: Sequence[int],
    start: datetime,
    end: datetime,
    include_ids: Collection[int] = (),
) -> list[Row[Any]]:
    """One row (CANDIDATE_COLUMNS and a `source_id`) per link of each item published in
    [start, end) by one of `source_ids`, or among `include_ids`; by item, then link. Plain
    rows, not entities: no relationship loading for thousands of items."""
    in_period = (
        ItemSource.source_id.in_(source_ids)
        & (Item.published_at >= start)
        & (Item.published_at < end)
    )
    condition = or_(in_period, Item.id.in_(list(include_ids))) if include_ids else in_period
    rows = await session.execute(
        select(*CANDIDATE_COLUMNS, ItemSource.source_id)
        .join(ItemSource, ItemSource.item_id == Item.id)
        .where(Item.id.in_(select(Item.id).join(ItemSource).where(condition)))
        .order_by(Item.id, ItemSource.id)
    )
    return list(rows.all())  # type: ignore[arg-type]


async def source_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Source)) or 0)


async def items_with_pictures(session: AsyncSession) -> list[Item]:
    return list((await session.scalars(select(Item).where(Item.image_url.is_not(None)))).all())


async def newest_items(
    session: AsyncSession,
    limit: int,
    *,
    language: str | None = None,
    since: datetime | None = None,
    source_ids: Sequence[int] | None = None,
) -> list[Item]:
    """Items newest first, at most `limit`: in `language`, published since `since`, carried by
    one of `source_ids` (each when given)."""
    query = select(Item).order_by(Item.published_at.desc(), Item.id.desc()).limit(limit)
    if language:
        query = query.where(Item.language == language)
    if since:
        query = query.where(Item.published_at >= since)
    if source_ids is not None:
        linked = select(ItemSource.item_id).where(ItemSource.source_id.in_(source_ids))
        query = query.where(Item.id.in_(linked))
    return list((await session.scalars(query)).all())
