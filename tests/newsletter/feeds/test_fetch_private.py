"""A feed must not make us read our own machine or network, directly or through a redirect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from newsletter.feeds import Fetcher, FetchLimits, FetchRequest, FetchStatus, public_hosts
from newsletter.feeds.ingest import fetch_due
from storage.engine import SessionFactory
from storage.feeds import Source

PUBLIC_URL = "https://aive.example"
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Intranet</title>'
    b"<item><title>Secret</title><link>https://intra.example/s</link></item></channel></rss>"
)
REQUESTS = web.AppKey("requests", list[str])
PRIVATE_TARGETS = [
    "http://[::1]:{port}/feed",
    "http://10.0.0.7/feed",
    "http://192.168.1.1/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/feed",
    "http://[::ffff:127.0.0.1]:{port}/feed",
    "http://0.0.0.0:{port}/feed",
    "http://224.0.0.1/feed",
]


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    requests: list[str] = []

    async def feed(request: web.Request) -> web.Response:
        requests.append(request.path)
        return web.Response(body=FEED)

    async def moved(request: web.Request) -> web.Response:
        requests.append(request.path)
        target = request.query["to"].replace("{port}", str(request.url.port))
        return web.Response(status=301, headers={"Location": target})

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_get("/moved", moved)
    app[REQUESTS] = requests
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
def public_test_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server (127.0.0.1) stands for a public host; every other address is judged
    as in production."""
    real = public_hosts.forbidden
    monkeypatch.setattr(public_hosts, "forbidden", lambda ip: ip != "127.0.0.1" and real(ip))


def moved_url(server: TestServer, target: str) -> str:
    return str(server.make_url("/moved").with_query(to=target))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_feed_on_a_local_address_is_refused_before_any_request(
    server: TestServer, host: str
) -> None:
    async with Fetcher(PUBLIC_URL) as fetcher:
        result = await fetcher.fetch(FetchRequest(f"http://{host}:{server.port}/feed"))

    assert result.status is FetchStatus.ERROR and result.body is None
    assert "private or local address" in (result.error or "")
    assert server.app[REQUESTS] == []


@pytest.mark.usefixtures("public_test_server")
@pytest.mark.parametrize("target", PRIVATE_TARGETS)
async def test_a_redirect_to_a_private_address_is_refused_and_never_a_move(
    server: TestServer, target: str
) -> None:
    async with Fetcher(PUBLIC_URL, FetchLimits(connect_timeout=2, total_timeout=3)) as fetcher:
        result = await fetcher.fetch(FetchRequest(moved_url(server, target)))

    assert result.status is FetchStatus.ERROR and result.body is None
    assert result.moved_to is None
    assert "private or local address" in (result.error or ""), result.error
    assert server.app[REQUESTS] == ["/moved"]


@pytest.mark.usefixtures("public_test_server")
async def test_the_source_keeps_its_address_when_it_redirects_inside(
    server: TestServer, sessions: SessionFactory
) -> None:
    address = moved_url(server, "http://[::1]:{port}/feed")
    async with sessions() as session:
        source = Source(url=address)
        session.add(source)
        await session.commit()
        source_id = source.id
    now = datetime(2026, 3, 1, tzinfo=UTC)
    async with Fetcher(PUBLIC_URL) as fetcher:
        [report] = await fetch_due(sessions, fetcher, now, timedelta(minutes=30), only_due=False)

    assert report.moved_to is None and report.new == 0
    assert "private or local address" in (report.error or "")
    async with sessions() as session:
        stored = await session.get(Source, source_id)
        assert stored is not None and stored.url == address


async def test_staff_can_allow_private_addresses_for_a_local_feed_server(
    server: TestServer,
) -> None:
    async with Fetcher(PUBLIC_URL, FetchLimits(private_addresses=True)) as fetcher:
        result = await fetcher.fetch(FetchRequest(str(server.make_url("/feed"))))

    assert result.status is FetchStatus.OK and result.body == FEED
