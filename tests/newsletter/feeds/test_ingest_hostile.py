"""Feeds that fight each other or carry bytes a database refuses, fetched and stored on SQLite and
PostgreSQL (the fake feed site of test_ingest)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.engine import SessionFactory
from storage.feeds import Item
from tests.newsletter.feeds import test_ingest
from tests.newsletter.feeds.test_ingest import Site, add_source, item, items, rss, run

# the fake feed site's fixtures
site, sv, base = test_ingest.site, test_ingest.sv, test_ingest.base

SHARED = "https://network.example/declaration"


async def test_a_nul_in_one_entry_costs_nothing_but_the_nul(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed"] = rss(
        item("a&#0;1", "Open&#0; schoolyards", text="Every\x00 Sunday"), item("b", "Reading club")
    )
    sid = await add_source(sessions, base + "feed")
    reports = await run(sessions)

    assert reports[sid].new == 2, reports[sid]
    stored = await items(sessions)
    assert [i.title for i in stored] == ["Open schoolyards", "Reading club"]
    assert "\x00" not in stored[0].summary_text


async def test_a_second_feed_with_the_same_link_is_linked_but_never_rewrites_the_first(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/city"] = rss(item("c-1", "Joint declaration", text="The city's words", url=SHARED))
    sv.bodies["/copycat"] = rss(item("x-9", "Something else entirely", text="Spam", url=SHARED))
    city = await add_source(sessions, base + "city")
    await run(sessions)
    copycat = await add_source(sessions, base + "copycat")
    for _ in range(3):  # each fetch used to flip the item between the two texts
        await run(sessions)

    async with sessions() as session:
        shared = await session.scalar(
            select(Item).where(Item.url == SHARED).options(selectinload(Item.links))
        )
    assert shared is not None
    assert (shared.title, shared.summary_text) == ("Joint declaration", "The city's words")
    assert sorted(link.source_id for link in shared.links) == [city, copycat]


async def test_the_first_source_still_updates_its_own_item(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/city"] = rss(item("c-1", "Joint declaration", url=SHARED))
    sv.bodies["/copycat"] = rss(item("x-9", "Copy", url=SHARED))
    await add_source(sessions, base + "city")
    await add_source(sessions, base + "copycat")
    await run(sessions)
    sv.bodies["/city"] = rss(item("c-1", "Joint declaration, signed", url=SHARED))
    await run(sessions)

    assert [i.title for i in await items(sessions)] == ["Joint declaration, signed"]
