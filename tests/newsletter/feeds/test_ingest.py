"""Ingestion (fetch ▶ parse ▶ language ▶ upsert) against a local HTTP server and a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from newsletter.feeds import ingest, workers
from newsletter.feeds.fetch import Fetcher, FetchLimits
from newsletter.feeds.ingest import SourceReport, fetch_due
from newsletter.feeds.jobs import fetch_due_feeds
from newsletter.feeds.upsert import Counts
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source, SourceStatus
from tests.newsletter.feeds.safety import html_problems, text_problems, url_problems

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=30)
PUBLIC_URL = "https://aive.example"
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 24 Nov 2026 08:00:00 GMT"


def rss(*items: str, language: str | None = None, extra_ns: str = "") -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {extra_ns}><channel>'
        f"<title>City news</title><link>https://city.example/</link>{lang}"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def item(guid: str, title: str, text: str = "", url: str | None = None, extra: str = "") -> str:
    link = url or f"https://city.example/news/{guid}"
    return (
        f"<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<pubDate>Mon, 23 Nov 2026 10:00:00 +0100</pubDate>"
        f"<description>{text}</description>{extra}</item>"
    )


@dataclass
class Site:
    """What the local server answers per path (mutable during a test) and what it saw."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    validators: dict[str, tuple[str, str]] = field(default_factory=dict)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    hits: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def site_app(site: Site) -> web.Application:
    async def serve(request: web.Request) -> web.StreamResponse:
        path = request.path
        site.hits.setdefault(path, []).append(dict(request.headers))
        queued = site.statuses.get(path)
        if queued:
            return web.Response(status=queued.pop(0), text="server trouble")
        headers = {}
        if path in site.validators:
            etag, modified = site.validators[path]
            headers = {"ETag": etag, "Last-Modified": modified}
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
        return web.Response(body=site.bodies[path], headers=headers, content_type="text/xml")

    def redirect(status: int, to: str) -> Callable[[web.Request], Any]:
        async def handler(request: web.Request) -> web.Response:
            site.hits.setdefault(request.path, []).append(dict(request.headers))
            return web.Response(status=status, headers={"Location": to})

        return handler

    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=410)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(body=rss(item("late", "Too late")))

    async def huge(request: web.Request) -> web.Response:
        body = rss(*(item(f"h{i}", "Big " + "x" * 1000) for i in range(100)))
        return web.Response(body=body, content_type="text/xml")

    app = web.Application()
    for status in (301, 302, 308):
        app.router.add_get(f"/r{status}", redirect(status, "/moved/feed"))
    app.router.add_get("/loop-a", redirect(302, "/loop-b"))
    app.router.add_get("/loop-b", redirect(302, "/loop-a"))
    app.router.add_get("/gone", gone)
    app.router.add_get("/slow", slow)
    app.router.add_get("/huge", huge)
    app.router.add_get("/{tail:.*}", serve)
    return app


@pytest.fixture
async def site() -> AsyncIterator[tuple[Site, TestServer]]:
    state = Site()
    server = TestServer(site_app(state), host="127.0.0.1")
    await server.start_server()
    yield state, server
    await server.close()


@pytest.fixture
def sv(site: tuple[Site, TestServer]) -> Site:
    return site[0]


@pytest.fixture
def base(site: tuple[Site, TestServer]) -> str:
    return str(site[1].make_url("/"))


async def add_source(sessions: SessionFactory, url: str, **fields: Any) -> int:
    async with sessions() as session:
        source = Source(url=url, **fields)
        session.add(source)
        await session.commit()
        return source.id


async def run(
    sessions: SessionFactory, now: datetime = NOW, only_due: bool = False, **limits: Any
) -> dict[int, SourceReport]:
    async with Fetcher(PUBLIC_URL, FetchLimits(private_addresses=True, **limits)) as fetcher:
        reports = await fetch_due(sessions, fetcher, now, INTERVAL, only_due=only_due)
    return {r.source_id: r for r in reports}


async def source(sessions: SessionFactory, source_id: int) -> Source:
    async with sessions() as session:
        found = await session.get(Source, source_id)
        assert found is not None
        return found


async def items(sessions: SessionFactory) -> list[Item]:
    async with sessions() as session:
        return list(await session.scalars(select(Item).order_by(Item.id)))


async def test_entry_seen_again_updates_its_item_instead_of_duplicating(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed"] = rss(item("a", "Open schoolyards"), item("b", "Reading club"))
    sid = await add_source(sessions, base + "feed")
    first = await run(sessions)
    sv.bodies["/feed"] = rss(
        item("a", "Open schoolyards, now on Sundays"), item("b", "Reading club")
    )
    second = await run(sessions)

    assert (first[sid].new, first[sid].updated, first[sid].unchanged) == (2, 0, 0)
    assert (second[sid].new, second[sid].updated, second[sid].unchanged) == (0, 1, 1)
    stored = await items(sessions)
    assert [i.title for i in stored] == ["Open schoolyards, now on Sundays", "Reading club"]


async def test_same_url_from_two_sources_is_one_item_linked_to_both(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    shared = item("x", "Joint declaration", url="https://network.example/declaration")
    sv.bodies["/city"] = rss(shared, item("c1", "City only"))
    sv.bodies["/network"] = rss(
        item("n-77", "Joint declaration", url="https://network.example/declaration")
    )
    city = await add_source(sessions, base + "city")
    network = await add_source(sessions, base + "network")
    await run(sessions)

    async with sessions() as session:
        declaration = await session.scalar(
            select(Item).where(Item.url == "https://network.example/declaration")
        )
        assert declaration is not None
        assert sorted(link.source_id for link in declaration.links) == [city, network]
        assert await session.scalar(select(func.count()).select_from(Item)) == 2


async def test_a_feed_repeating_a_guid_keeps_one_item(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed"] = rss(item("dup", "Newest"), item("dup", "Older copy"), item("z", "Other"))
    sid = await add_source(sessions, base + "feed")
    reports = await run(sessions)

    assert reports[sid].new == 2
    assert [i.title for i in await items(sessions)] == ["Newest", "Other"]


async def test_unchanged_feed_is_asked_conditionally_and_304_costs_no_parsing(
    sessions: SessionFactory, sv: Site, base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sv.bodies["/feed"] = rss(item("a", "Open schoolyards"))
    sv.validators["/feed"] = (ETAG, LAST_MODIFIED)
    sid = await add_source(sessions, base + "feed")
    await run(sessions)
    parses: list[str] = []
    real_parse = ingest.parse_feed

    def counting_parse(data: bytes, url: str, **kw: Any) -> Any:
        parses.append(url)
        return real_parse(data, url, **kw)

    monkeypatch.setattr(ingest, "parse_feed", counting_parse)
    monkeypatch.setattr(workers, "PARSE_PROCESSES", 0)  # parse here, where it is counted
    later = NOW + timedelta(hours=1)
    reports = await run(sessions, now=later)

    second = sv.hits["/feed"][1]
    assert second["If-None-Match"] == ETAG and second["If-Modified-Since"] == LAST_MODIFIED
    assert reports[sid].not_modified and reports[sid].error is None
    assert parses == []
    stored = await source(sessions, sid)
    assert stored.last_success_at == later and stored.failures == 0
    assert stored.next_fetch_at == later + INTERVAL


async def test_a_broken_feed_is_fetched_in_full_again_not_excused_by_a_304(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed"] = b"<html><body>Maintenance</body></html>"
    sv.validators["/feed"] = (ETAG, LAST_MODIFIED)
    sid = await add_source(sessions, base + "feed")
    await run(sessions)
    reports = await run(sessions)

    assert "If-None-Match" not in sv.hits["/feed"][1]
    assert reports[sid].error == "the address returned an HTML page, not a feed"
    assert (await source(sessions, sid)).failures == 2


@pytest.mark.parametrize(("status", "moves"), [(301, True), (308, True), (302, False)])
async def test_permanent_redirect_updates_the_stored_url_temporary_does_not(
    sessions: SessionFactory, sv: Site, base: str, status: int, moves: bool
) -> None:
    sv.bodies["/moved/feed"] = rss(item("a", "Moved news"))
    sid = await add_source(sessions, f"{base}r{status}")
    reports = await run(sessions)

    assert reports[sid].new == 1
    expected = base + "moved/feed" if moves else f"{base}r{status}"
    assert (await source(sessions, sid)).url == expected


async def test_gone_feed_is_disabled_and_no_longer_due(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sid = await add_source(sessions, base + "gone")
    reports = await run(sessions, only_due=True)
    much_later = await run(sessions, now=NOW + timedelta(days=30), only_due=True)

    assert reports[sid].disabled and "410" in (reports[sid].error or "")
    assert (await source(sessions, sid)).status is SourceStatus.disabled
    assert much_later == {}


async def test_failures_back_off_exponentially_and_a_success_resets(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/flaky"] = rss(item("a", "Back again"))
    sv.statuses["/flaky"] = [503, 503, 503]
    sid = await add_source(sessions, base + "flaky")
    delays = []
    for _ in range(3):
        reports = await run(sessions)
        assert reports[sid].error == "HTTP 503 Service Unavailable"
        stored = await source(sessions, sid)
        assert stored.next_fetch_at is not None
        delays.append(stored.next_fetch_at - NOW)
    await run(sessions)

    assert (
        delays[0] > INTERVAL * 1.5 and delays[1] > delays[0] * 1.5 and delays[2] > delays[1] * 1.5
    )
    healed = await source(sessions, sid)
    assert (healed.failures, healed.last_error) == (0, None)
    assert healed.next_fetch_at == NOW + INTERVAL


async def test_job_fetches_only_sources_whose_time_has_come(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/due"] = rss(item("a", "Due news"))
    sv.bodies["/later"] = rss(item("b", "Later news"))
    due = await add_source(sessions, base + "due", next_fetch_at=NOW - timedelta(minutes=1))
    await add_source(sessions, base + "later", next_fetch_at=datetime.now(UTC) + timedelta(hours=1))
    ctx = SimpleNamespace(
        settings=SimpleNamespace(
            public_url=PUBLIC_URL, feeds_interval_minutes=30, feeds_allow_private_addresses=True
        ),
        sessions=sessions,
    )
    await fetch_due_feeds(ctx)

    assert "/due" in sv.hits and "/later" not in sv.hits
    assert (await source(sessions, due)).last_success_at is not None


BAD_INPUTS = {
    "bozo": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><guid>ok</guid><title>Recovered entry</title><link>https://city.example/ok</link>"
        b"</item><item><title>Broken & unescaped</title></item>"
    ),
    "empty": rss(),
    "html": b"<!DOCTYPE html><html><head><title>City hall</title></head><body>Hi</body></html>",
    "latin1": (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Ville</title>'
        "<item><guid>q</guid><title>Éducation à Québec</title>"
        "<link>https://city.example/q</link></item></channel></rss>"
    ).encode("latin-1"),
}


async def test_each_bad_feed_gets_one_clear_line_and_the_others_go_on(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies.update({f"/{name}": body for name, body in BAD_INPUTS.items()})
    sv.bodies["/good"] = rss(item("g", "Good news"))
    sv.statuses["/down"] = [500]
    paths = [*BAD_INPUTS, "down", "slow", "loop-a", "huge", "good"]
    ids = {path: await add_source(sessions, base + path) for path in paths}
    reports = await run(sessions, total_timeout=0.5, max_bytes=64 * 1024)

    errors = {path: reports[ids[path]].error or "" for path in paths}
    assert errors["bozo"].startswith("malformed XML at line 1")
    assert errors["bozo"].endswith("(2 entries recovered)")
    assert errors["empty"] == "the feed has no entries"
    assert errors["html"] == "the address returned an HTML page, not a feed"
    assert errors["latin1"].startswith("declared encoding was wrong")
    assert errors["down"] == "HTTP 500 Internal Server Error"
    assert errors["slow"].startswith("timed out")
    assert errors["loop-a"].startswith("redirect loop")
    assert errors["huge"] == "the response is larger than the 65,536 bytes limit"
    assert errors["good"] == "" and reports[ids["good"]].new == 1
    assert all("\n" not in e for e in errors.values())
    titles = {i.title for i in await items(sessions)}
    assert titles == {"Recovered entry", "Broken & unescaped", "Éducation à Québec", "Good news"}
    bozo = await source(sessions, ids["bozo"])
    assert bozo.last_error == errors["bozo"] and bozo.failures == 0
    assert (await source(sessions, ids["html"])).failures == 1


async def test_a_storing_failure_is_recorded_and_the_other_sources_go_on(
    sessions: SessionFactory, sv: Site, base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sv.bodies["/bad"] = rss(item("a", "Breaks the database"))
    sv.bodies["/good"] = rss(item("b", "Good news"))
    bad = await add_source(sessions, base + "bad")
    good = await add_source(sessions, base + "good")
    real_upsert = ingest.upsert_entries

    async def failing_upsert(session: Any, src: Source, parsed: Any) -> Counts:
        if src.id == bad:
            raise RuntimeError("disk full\nsecond line")
        return await real_upsert(session, src, parsed)

    monkeypatch.setattr(ingest, "upsert_entries", failing_upsert)
    reports = await run(sessions)

    assert reports[bad].error == "storing failed: RuntimeError: disk full second line"
    assert reports[good].new == 1
    failed = await source(sessions, bad)
    assert failed.failures == 1 and failed.next_fetch_at and failed.next_fetch_at > NOW
    assert failed.etag is None


XSS = (
    "<item><guid>x1</guid><title>&lt;script&gt;alert(1)&lt;/script&gt;Hello</title>"
    "<link>javascript:alert(2)</link>"
    "<description><![CDATA[<p onclick='x()'>Hi <img src=x onerror=alert(3)>"
    "<a href='javascript:alert(4)'>link</a><svg onload=alert(5)><circle/></svg>"
    "<img src='data:image/svg+xml;base64,PHN2Zz4='><script>alert(6)</script>"
    "<a href='/ok'>ok</a></p>]]></description>"
    "<content:encoded><![CDATA[<iframe src='https://evil.example'></iframe>"
    "<form action='javascript:alert(7)'><input></form><p style='x'>Body</p>]]></content:encoded>"
    "</item>"
)


async def test_xss_payloads_in_a_served_feed_never_reach_stored_items(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    ns = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    sv.bodies["/xss"] = rss(XSS, extra_ns=ns)
    await add_source(sessions, base + "xss")
    await run(sessions)

    [stored] = await items(sessions)
    problems = html_problems(stored.summary_html) + html_problems(stored.content_html)
    for text in (stored.title, stored.summary_text, stored.content_text):
        problems += text_problems(text)
    problems += url_problems(stored.image_url)
    assert problems == []
    assert stored.title == "Hello" and f'href="{base}ok"' in stored.summary_html
    assert not stored.url.startswith("javascript")


LONG_EN = "The city council opened three new public libraries for children and families today"


async def test_items_language_follows_entry_then_feed_then_source_hints(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed-lang"] = rss(item("f", "Info 2026"), language="fr")
    sv.bodies["/no-lang"] = rss(item("s", "Info 2027"))
    sv.bodies["/entry-lang"] = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xml:lang="fr"><title>Blog</title><id>urn:blog</id>'
        b'<entry xml:lang="ca"><id>urn:e</id><title>Info 2028</title>'
        b'<link href="https://city.example/e"/><updated>2026-11-20T10:00:00Z</updated></entry>'
        b"</feed>"
    )
    sv.bodies["/wrong-hint"] = rss(item("w", LONG_EN, LONG_EN), language="fr")
    for path in ("feed-lang", "no-lang", "entry-lang", "wrong-hint"):
        await add_source(sessions, base + path, language="es")
    await run(sessions)

    languages = {i.title: i.language for i in await items(sessions)}
    assert languages == {"Info 2026": "fr", "Info 2027": "es", "Info 2028": "ca", LONG_EN: "en"}


async def test_event_start_date_becomes_the_item_event_time(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    ns = 'xmlns:ev="http://purl.org/rss/1.0/modules/event/"'
    event = item("ev", "Open day", extra="<ev:startdate>2026-11-30T10:00:00+01:00</ev:startdate>")
    sv.bodies["/events"] = rss(event, item("plain", "No event"), extra_ns=ns)
    await add_source(sessions, base + "events")
    await run(sessions)

    events = {i.title: i.event_at for i in await items(sessions)}
    assert events == {"Open day": datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "No event": None}


async def test_a_changed_guid_rekeys_the_link_and_a_changed_url_moves_the_item(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    sv.bodies["/feed"] = rss(item("old-guid", "Festival", url="https://city.example/festival"))
    sid = await add_source(sessions, base + "feed")
    await run(sessions)
    sv.bodies["/feed"] = rss(item("new-guid", "Festival", url="https://city.example/festival"))
    await run(sessions)
    sv.bodies["/feed"] = rss(item("new-guid", "Festival", url="https://city.example/fest-2026"))
    third = await run(sessions)

    assert third[sid].updated == 1
    async with sessions() as session:
        links = list(await session.scalars(select(ItemSource)))
        stored = list(await session.scalars(select(Item)))
    assert [link.guid.rsplit("/", 1)[-1] for link in links] == ["new-guid"]
    assert [i.url for i in stored] == ["https://city.example/fest-2026"]


async def test_unchanged_changed_and_failing_feeds_in_one_run_each_keep_their_own_outcome(
    sessions: SessionFactory, sv: Site, base: str
) -> None:
    for name in ("same", "other"):
        sv.bodies[f"/{name}"] = rss(item(name, f"News from {name}"))
        sv.validators[f"/{name}"] = (ETAG, LAST_MODIFIED)
    sv.bodies["/grows"] = rss(item("g1", "First news"))
    ids = [await add_source(sessions, base + n) for n in ("same", "grows", "other", "flaky")]
    sv.bodies["/flaky"] = rss(item("f", "Flaky news"))
    sv.validators["/flaky"] = (ETAG, LAST_MODIFIED)
    await run(sessions)
    sv.bodies["/grows"] = rss(item("g2", "Second news"), item("g1", "First news"))
    sv.statuses["/flaky"] = [503]
    later = NOW + timedelta(hours=1)
    reports = await run(sessions, now=later)

    same, grows, other, flaky = ids
    assert list(reports) == ids
    assert reports[same].not_modified and reports[other].not_modified
    assert (reports[grows].new, reports[grows].unchanged) == (1, 1)
    assert reports[flaky].error == "HTTP 503 Service Unavailable"
    for sid in (same, other):
        stored = await source(sessions, sid)
        assert (stored.last_success_at, stored.next_fetch_at) == (later, later + INTERVAL)
        assert stored.etag == ETAG
    assert (await source(sessions, flaky)).failures == 1
