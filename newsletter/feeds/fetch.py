"""Fetching feeds: an aiohttp client with timeouts, size limits, conditional GET and redirects.

Only public addresses are fetched, the first URL and every redirect hop (`public_hosts`).
`Fetcher.fetch` never raises for a feed's problems: every outcome is a `FetchResult` whose
`status` says what the caller should do (store the body, keep the old items, disable the
source, retry later) and whose `error` is one line for staff. `file://` URLs and plain paths
are read from disk (demo data and tests) under the same size limit.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import formatdate
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import aiohttp

from newsletter.feeds.errors import BodyTooLarge, FetchError, RedirectError
from newsletter.feeds.public_hosts import PublicResolver, check_host

PRODUCT = "AIVE-Comms/0.1"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


def user_agent(public_url: str) -> str:
    """The User-Agent we send: product, version and where to learn who we are."""
    return f"{PRODUCT} (+{public_url})"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Timeouts in seconds, body size in bytes, concurrency in simultaneous requests;
    `private_addresses` lets fetches reach loopback and private hosts (local test servers,
    `AIVE_FEEDS_ALLOW_PRIVATE_ADDRESSES`), refused by default (see `public_hosts`)."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 20
    per_host: int = 2
    private_addresses: bool = False


class FetchStatus(StrEnum):
    OK = "ok"  # body holds the document
    NOT_MODIFIED = "not_modified"  # 304: keep what we have
    GONE = "gone"  # 410: the publisher removed the feed; disable the source
    ERROR = "error"  # see `error`; retry later with backoff


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one fetch.

    `moved_to` is set when the chain of redirects began with permanent ones (301/308): the
    caller should store that URL instead. `etag` and `last_modified` are what to send next
    time. `body` is set only when `status` is OK.
    """

    request: FetchRequest
    status: FetchStatus
    fetched_at: datetime
    body: bytes | None = None
    final_url: str | None = None
    moved_to: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is FetchStatus.OK


class Fetcher:
    """Async feed fetcher; use as `async with Fetcher(public_url) as fetcher: ...`."""

    def __init__(self, public_url: str, limits: FetchLimits | None = None) -> None:
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent(public_url)
        self._session: aiohttp.ClientSession | None = None
        self._all = asyncio.Semaphore(self.limits.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.user_agent, "Accept": ACCEPT},
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=limits.connect_timeout, sock_read=limits.total_timeout
            ),
            connector=aiohttp.TCPConnector(
                limit=limits.concurrency,
                limit_per_host=limits.per_host,
                resolver=None if limits.private_addresses else PublicResolver(),
            ),
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch_many(self, requests: Iterable[FetchRequest]) -> list[FetchResult]:
        """Fetch all `requests` concurrently within the limits; results in the same order."""
        return list(await asyncio.gather(*(self._fetch_guarded(r) for r in requests)))

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one feed. Problems come back as a result with status ERROR, never raised."""
        started = datetime.now(UTC)
        path = local_path(request.url)
        if path is not None:
            return await self._read_file(request, path, started)
        host = (urlsplit(request.url).hostname or "").lower()
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self.limits.per_host))
        async with self._all, semaphore:
            try:
                async with asyncio.timeout(self.limits.total_timeout):
                    return await self._fetch_http(request, started)
            except TimeoutError:
                problem = (
                    f"timed out (limits: connect {self.limits.connect_timeout:g} s, "
                    f"total {self.limits.total_timeout:g} s)"
                )
            except FetchError as error:
                problem = str(error)
            except (aiohttp.ClientError, OSError, ValueError) as error:
                problem = _one_line(error)
        return FetchResult(request, FetchStatus.ERROR, started, error=problem)

    async def _fetch_guarded(self, request: FetchRequest) -> FetchResult:
        try:
            return await self.fetch(request)
        except Exception as error:  # a bug for one feed must not sink the whole batch
            problem = f"unexpected error: {_one_line(error)}"
            return FetchResult(request, FetchStatus.ERROR, datetime.now(UTC), error=problem)

    async def _fetch_http(self, request: FetchRequest, started: datetime) -> FetchResult:
        if self._session is None:
            raise RuntimeError("use the Fetcher inside `async with`")
        url = request.url
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise FetchError(f"unsupported address (only http, https and files): {url}")
        headers = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        visited = {url}
        moved_to: str | None = None
        still_permanent = True
        for _ in range(self.limits.max_redirects + 1):
            if not self.limits.private_addresses:
                check_host(urlsplit(url).hostname or "")  # names: checked by PublicResolver
            async with self._session.get(url, headers=headers, allow_redirects=False) as response:
                status = response.status
                if status in _REDIRECTS:
                    target = _redirect_target(response)
                    if still_permanent and status in _PERMANENT:
                        moved_to = target
                    else:
                        still_permanent = False
                    if target in visited:
                        raise RedirectError(f"redirect loop: {target} redirects back to itself")
                    visited.add(target)
                    url = target
                    continue
                return await self._outcome(request, response, started, moved_to)
        raise RedirectError(f"more than {self.limits.max_redirects} redirects")

    async def _outcome(
        self,
        request: FetchRequest,
        response: aiohttp.ClientResponse,
        started: datetime,
        moved_to: str | None,
    ) -> FetchResult:
        status = response.status
        result = FetchResult(
            request,
            FetchStatus.OK,
            started,
            final_url=str(response.url),
            moved_to=moved_to,
            http_status=status,
            etag=response.headers.get("ETag") or request.etag,
            last_modified=response.headers.get("Last-Modified") or request.last_modified,
        )
        if status == 304:
            return replace(result, status=FetchStatus.NOT_MODIFIED)
        if status == 410:
            error = "HTTP 410 Gone: the publisher removed this feed"
            return replace(result, status=FetchStatus.GONE, error=error)
        if not 200 <= status < 300:
            error = f"HTTP {status} {response.reason or ''}".strip()
            return replace(result, status=FetchStatus.ERROR, error=error)
        body = await _read_limited(response, self.limits.max_bytes)
        return replace(result, body=body, content_type=response.headers.get("Content-Type"))

    async def _read_file(self, request: FetchRequest, path: Path, started: datetime) -> FetchResult:
        try:
            body, modified = await asyncio.to_thread(_read_file, path, self.limits.max_bytes)
        except FetchError as error:
            return FetchResult(request, FetchStatus.ERROR, started, error=str(error))
        final_url = path.resolve().as_uri()
        if request.last_modified == modified:
            return FetchResult(
                request, FetchStatus.NOT_MODIFIED, started, final_url=final_url,
                last_modified=modified,
            )  # fmt: skip
        return FetchResult(
            request, FetchStatus.OK, started, body=body, final_url=final_url,
            last_modified=modified,
        )  # fmt: skip


def local_path(url: str) -> Path | None:
    """The file a `file://` URL or plain path names, or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        return Path(url2pathname(parts.path))
    if not parts.scheme or (len(parts.scheme) == 1 and os.name == "nt"):
        return Path(url)
    return None


def _read_file(path: Path, max_bytes: int) -> tuple[bytes, str]:
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > max_bytes:
                raise BodyTooLarge(f"{path} is larger than the {_size(max_bytes)} limit")
            body = handle.read(max_bytes + 1)
    except FileNotFoundError as error:
        raise FetchError(f"no such file: {path}") from error
    except OSError as error:
        raise FetchError(f"cannot read {path}: {error.strerror or error}") from error
    if len(body) > max_bytes:
        raise BodyTooLarge(f"{path} is larger than the {_size(max_bytes)} limit")
    return body, formatdate(stat.st_mtime, usegmt=True)


async def _read_limited(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The (decompressed) body, read in chunks and abandoned as soon as it passes the limit."""
    declared = response.content_length
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    if declared is not None and declared > max_bytes and not encoded:
        raise BodyTooLarge(f"the response is larger than the {_size(max_bytes)} limit")
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise BodyTooLarge(f"the response is larger than the {_size(max_bytes)} limit")
    return bytes(body)


def _redirect_target(response: aiohttp.ClientResponse) -> str:
    location = response.headers.get("Location")
    if not location:
        raise RedirectError(f"HTTP {response.status} redirect without a Location header")
    target = urljoin(str(response.url), location).split("#", 1)[0]
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise RedirectError(f"redirect to an unsupported address: {target}")
    return target


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MiB" if count >= 1024 * 1024 else f"{count:,} bytes"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return (text or type(error).__name__)[:300]
