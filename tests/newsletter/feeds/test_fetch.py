"""The fetcher against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from newsletter.feeds import (
    Fetcher,
    FetchLimits,
    FetchRequest,
    FetchResult,
    FetchStatus,
    parse_feed,
)

PUBLIC_URL = "https://aive.example"
LOCAL = FetchLimits(private_addresses=True)  # the test feed server is on 127.0.0.1
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>City</title>'
    b"<item><title>News</title><link>https://city.example/n</link></item></channel></rss>"
)
LATIN1_DECLARED_UTF8 = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Ciutat</title>'
    "<item><title>Éducation à Québec</title></item></channel></rss>"
).encode("latin-1")
ETAG = '"v1"'
LAST_MODIFIED = "Sat, 01 Mar 2025 10:00:00 GMT"


@dataclass
class Seen:
    headers: list[dict[str, str]] = field(default_factory=list)
    active: int = 0
    peak: int = 0
    streamed: int = 0


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def feed_app(seen: Seen) -> web.Application:
    async def feed(request: web.Request) -> web.Response:
        seen.headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        return web.Response(body=FEED, content_type="application/rss+xml", headers=headers)

    async def gzipped(request: web.Request) -> web.Response:
        body = gzip.compress(FEED)
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        return web.Response(body=body, headers=headers)

    def redirect(status: int, to: str) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=status, headers={"Location": to})

        return handler

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="nope")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(body=FEED)

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- padding -->" * 4096
        try:
            while seen.streamed < 200 * 1024 * 1024:
                await response.write(chunk)
                seen.streamed += len(chunk)
        except (ConnectionResetError, ConnectionError):
            pass
        return response

    async def html(request: web.Request) -> web.Response:
        page = "<!DOCTYPE html><html><head><title>City hall</title></head><body>Hi</body></html>"
        return web.Response(text=page, content_type="text/html")

    async def latin1(request: web.Request) -> web.Response:
        return web.Response(body=LATIN1_DECLARED_UTF8, content_type="application/xml")

    async def counted(request: web.Request) -> web.Response:
        seen.active += 1
        seen.peak = max(seen.peak, seen.active)
        await asyncio.sleep(0.05)
        seen.active -= 1
        return web.Response(body=FEED)

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/moved", redirect(301, "/feed"))
    app.router.add_get("/moved-relative-308", redirect(308, "moved"))
    app.router.add_get("/temporary", redirect(302, "/feed"))
    app.router.add_get("/moved-then-temporary", redirect(301, "/temporary"))
    app.router.add_get("/loop-a", redirect(302, "/loop-b"))
    app.router.add_get("/loop-b", redirect(302, "/loop-a"))
    app.router.add_get("/to-file", redirect(302, "file:///etc/passwd"))
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/slow", slow)
    app.router.add_get("/endless", endless)
    app.router.add_get("/html", html)
    app.router.add_get("/latin1", latin1)
    app.router.add_get("/counted/{n}", counted)
    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def server(seen: Seen) -> AsyncIterator[TestServer]:
    test_server = TestServer(feed_app(seen), host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


def url(server: TestServer, path: str) -> str:
    return str(server.make_url(path))


async def fetch(server: TestServer, path: str, **limits: Any) -> FetchResult:
    async with Fetcher(PUBLIC_URL, FetchLimits(private_addresses=True, **limits)) as fetcher:
        return await fetcher.fetch(FetchRequest(url(server, path)))


async def test_feed_is_fetched_with_our_user_agent_and_validators(
    server: TestServer, seen: Seen
) -> None:
    async with Fetcher(PUBLIC_URL, LOCAL) as fetcher:
        result = await fetcher.fetch(FetchRequest(url(server, "/feed")))

    assert result.status is FetchStatus.OK
    assert result.body == FEED
    assert (result.etag, result.last_modified, result.http_status) == (ETAG, LAST_MODIFIED, 200)
    assert result.moved_to is None and result.error is None
    assert seen.headers[0]["User-Agent"] == "AIVE-Comms/0.1 (+https://aive.example)"
    assert parse_feed(result.body, result.final_url or "").entries[0].title == "News"


async def test_unchanged_feed_answers_not_modified_without_body(
    server: TestServer, seen: Seen
) -> None:
    request = FetchRequest(url(server, "/feed"), etag=ETAG, last_modified=LAST_MODIFIED)
    async with Fetcher(PUBLIC_URL, LOCAL) as fetcher:
        result = await fetcher.fetch(request)

    assert result.status is FetchStatus.NOT_MODIFIED
    assert result.body is None
    assert result.etag == ETAG and result.last_modified == LAST_MODIFIED
    assert seen.headers[0]["If-None-Match"] == ETAG
    assert seen.headers[0]["If-Modified-Since"] == LAST_MODIFIED


async def test_gzip_body_is_decompressed(server: TestServer) -> None:
    result = await fetch(server, "/gzip")

    assert result.body == FEED


@pytest.mark.parametrize("path", ["/moved", "/moved-relative-308"])
async def test_permanent_redirect_reports_the_new_address(server: TestServer, path: str) -> None:
    result = await fetch(server, path)

    assert result.status is FetchStatus.OK
    assert result.body == FEED
    assert result.moved_to == url(server, "/feed")


async def test_temporary_redirect_is_followed_but_not_reported(server: TestServer) -> None:
    result = await fetch(server, "/temporary")

    assert result.body == FEED
    assert result.final_url == url(server, "/feed")
    assert result.moved_to is None


async def test_permanent_redirect_to_a_temporary_one_reports_only_the_permanent_part(
    server: TestServer,
) -> None:
    result = await fetch(server, "/moved-then-temporary")

    assert result.moved_to == url(server, "/temporary")


async def test_redirect_loop_is_a_clear_error(server: TestServer) -> None:
    result = await fetch(server, "/loop-a")

    assert result.status is FetchStatus.ERROR
    assert result.error == f"redirect loop: {url(server, '/loop-a')} redirects back to itself"


async def test_too_many_redirects_and_redirects_off_the_web_are_refused(
    server: TestServer,
) -> None:
    many = await fetch(server, "/moved-then-temporary", max_redirects=1)
    to_file = await fetch(server, "/to-file")

    assert many.error == "more than 1 redirects"
    assert to_file.error == "redirect to an unsupported address: file:///etc/passwd"


async def test_gone_feed_says_so(server: TestServer) -> None:
    result = await fetch(server, "/status/410")

    assert result.status is FetchStatus.GONE
    assert result.http_status == 410


@pytest.mark.parametrize(
    ("code", "error"), [(500, "HTTP 500 Internal Server Error"), (404, "HTTP 404 Not Found")]
)
async def test_http_errors_are_one_line(server: TestServer, code: int, error: str) -> None:
    result = await fetch(server, f"/status/{code}")

    assert result.status is FetchStatus.ERROR
    assert result.error == error
    assert result.body is None


async def test_slow_server_times_out(server: TestServer) -> None:
    started = time.monotonic()
    result = await fetch(server, "/slow", total_timeout=0.3)

    assert result.status is FetchStatus.ERROR
    assert (result.error or "").startswith("timed out")
    assert time.monotonic() - started < 2


async def test_oversize_body_is_refused_without_loading_it(server: TestServer, seen: Seen) -> None:
    tracemalloc.start()
    try:
        result = await fetch(server, "/endless", max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.status is FetchStatus.ERROR
    assert result.error == "the response is larger than the 1 MiB limit"
    assert peak < 12 * 1024 * 1024
    assert seen.streamed < 100 * 1024 * 1024  # the server was cut off long before the end


async def test_html_page_instead_of_feed_gives_a_clear_parse_error(server: TestServer) -> None:
    result = await fetch(server, "/html")

    feed = parse_feed(result.body or b"", result.final_url or "")
    assert feed.entries == []
    assert feed.error == "the address returned an HTML page, not a feed"


async def test_latin1_bytes_declared_utf8_are_decoded(server: TestServer) -> None:
    result = await fetch(server, "/latin1")

    feed = parse_feed(result.body or b"", result.final_url or "")
    assert feed.entries[0].title == "Éducation à Québec"
    assert "declared encoding was wrong" in (feed.error or "")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_one_bad_feed_among_many_does_not_affect_the_others(server: TestServer) -> None:
    requests = [
        FetchRequest(url(server, "/feed")),
        FetchRequest(url(server, "/status/500")),
        FetchRequest(f"http://127.0.0.1:{closed_port()}/feed"),
        FetchRequest("ftp://example.org/feed"),
        FetchRequest(url(server, "/loop-a")),
        FetchRequest(url(server, "/gzip")),
    ]
    async with Fetcher(PUBLIC_URL, LOCAL) as fetcher:
        results = await fetcher.fetch_many(requests)

    assert [r.request for r in results] == requests
    assert [r.status for r in results] == [
        FetchStatus.OK,
        FetchStatus.ERROR,
        FetchStatus.ERROR,
        FetchStatus.ERROR,
        FetchStatus.ERROR,
        FetchStatus.OK,
    ]
    assert results[0].body == results[5].body == FEED
    assert "127.0.0.1" in (results[2].error or "")
    assert all("\n" not in (r.error or "") for r in results)


async def test_per_host_limit_is_respected(server: TestServer, seen: Seen) -> None:
    requests = [FetchRequest(url(server, f"/counted/{n}")) for n in range(10)]
    async with Fetcher(
        PUBLIC_URL, FetchLimits(private_addresses=True, per_host=3, concurrency=20)
    ) as fetcher:
        results = await fetcher.fetch_many(requests)

    assert all(r.ok for r in results)
    assert seen.peak == 3


async def test_global_limit_is_respected(server: TestServer, seen: Seen) -> None:
    requests = [FetchRequest(url(server, f"/counted/{n}")) for n in range(6)]
    async with Fetcher(
        PUBLIC_URL, FetchLimits(private_addresses=True, per_host=10, concurrency=2)
    ) as fetcher:
        await fetcher.fetch_many(requests)

    assert seen.peak == 2


async def test_local_files_are_read_with_the_same_limit(tmp_path: Path) -> None:
    feed_file = tmp_path / "demo feed.xml"
    feed_file.write_bytes(FEED)
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2048)

    async with Fetcher(PUBLIC_URL, FetchLimits(private_addresses=True, max_bytes=1024)) as fetcher:
        by_uri, by_path, too_big, missing = await fetcher.fetch_many(
            [
                FetchRequest(feed_file.as_uri()),
                FetchRequest(str(feed_file)),
                FetchRequest(str(big)),
                FetchRequest(str(tmp_path / "missing.xml")),
            ]
        )
        again = await fetcher.fetch(
            FetchRequest(feed_file.as_uri(), last_modified=by_uri.last_modified)
        )

    assert by_uri.body == by_path.body == FEED
    assert too_big.error == f"{big} is larger than the 1,024 bytes limit"
    assert missing.error == f"no such file: {tmp_path / 'missing.xml'}"
    assert again.status is FetchStatus.NOT_MODIFIED
