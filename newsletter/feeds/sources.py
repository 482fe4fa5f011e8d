"""Registering feed sources (from the CLI or OPML) and reading their status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.errors import NewsletterError
from newsletter.feeds.opml import OpmlFile
from storage import feeds_queries, networks_queries
from storage.audit import record
from storage.feeds import Source, SourceStatus
from storage.networks import City


class SourceError(NewsletterError, ValueError):
    """A source cannot be registered as given (one line saying which field and why)."""


def normalize_source_url(url: str, *, local_files: bool = True) -> str:
    """http(s) and file:// URLs as given; a local path becomes an absolute file:// URL.
    Without `local_files` (a request from the web) only http(s) URLs are taken: a form must
    not make us read the server's disk."""
    url = url.strip()
    if url.lower().startswith(("http://", "https://")):
        return url
    if not local_files:
        raise SourceError(f"url: {url!r} is not an http(s) URL")
    if url.startswith("file://"):
        return url
    if "://" in url:
        raise SourceError(f"url: {url!r} is not http(s), file:// or a local path")
    path = Path(url).expanduser().resolve()
    if not path.is_file():
        raise SourceError(f"url: no such file {path}")
    return path.as_uri()


def _language_code(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if not (2 <= len(code) <= 3 and code.isalpha()):
        raise SourceError(f"lang: {value!r} is not a language code such as fr or pt-BR")
    return code


async def add_source(
    session: AsyncSession,
    url: str,
    networks: Sequence[str] = (),
    city: str | None = None,
    language: str | None = None,
    title: str | None = None,
    actor: str = "cli",
    *,
    local_files: bool = True,
) -> tuple[Source, bool]:
    """Add a source, or update the one with that URL; returns (source, created). Raises
    SourceError naming the field (see `normalize_source_url` for `local_files`)."""
    url = normalize_source_url(url, local_files=local_files)
    known = await networks_queries.network_slugs(session)
    unknown = [n for n in networks if n not in known]
    if unknown:
        raise SourceError(
            f"network: unknown {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    city_row: City | None = None
    if city:
        matches = await networks_queries.cities_named(session, city)
        if not matches:
            raise SourceError(f"city: no member city named {city!r} (see aive cities list)")
        if len(matches) > 1:
            raise SourceError(f"city: {city!r} names {len(matches)} cities; rename one of them")
        city_row = matches[0]
    code = _language_code(language)
    source = await feeds_queries.source_by_url(session, url)
    created = source is None
    if source is None:
        source = Source(url=url)
        session.add(source)
    source.networks = list(dict.fromkeys(networks)) or source.networks or []
    if city_row is not None:
        source.city = city_row
    if code:
        source.language = code
    if title:
        source.title = title
    record(session, actor, "feeds.source_added" if created else "feeds.source_updated", url)
    return source, created


@dataclass
class OpmlImport:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


async def import_opml_sources(
    session: AsyncSession, parsed: OpmlFile, *, base: Path | None = None, actor: str = "cli"
) -> OpmlImport:
    """Add or update every source of a parsed OPML file; an outline refused (unknown network
    or city, bad language) is reported and the others kept. `base`: the folder relative
    `xmlUrl`s are read from (our own demo files only). The caller commits."""
    result = OpmlImport(errors=list(parsed.errors))
    for entry in parsed.sources:
        url = entry.url
        if base is not None and "://" not in url:
            url = str(base / url)
        try:
            async with session.begin_nested():
                _, created = await add_source(
                    session, url, entry.networks, entry.city, entry.language, entry.title, actor
                )
        except SourceError as exc:
            result.errors.append(f"{entry.title or entry.url}: {exc}")
            continue
        result.added += created
        result.updated += not created
    return result


async def get_source(session: AsyncSession, source_id: int) -> Source:
    source = await session.get(Source, source_id)
    if source is None:
        raise SourceError(f"no source {source_id}")
    return source


async def set_enabled(
    session: AsyncSession, source_id: int, enabled: bool, actor: str, now: datetime
) -> Source:
    """Turn a source off (it is no longer fetched) or on again (fetched at the next round).
    The caller commits."""
    source = await get_source(session, source_id)
    before = source.status.value
    source.status = SourceStatus.active if enabled else SourceStatus.disabled
    if enabled:
        source.next_fetch_at = now
    if before != source.status.value:
        action = "feeds.source_enabled" if enabled else "feeds.source_disabled"
        record(session, actor, action, source.url, before=before, after=source.status.value)
    return source


async def fetch_soon(session: AsyncSession, source_id: int, actor: str, now: datetime) -> Source:
    """Make an active source due now: the scheduler's next fetch round takes it (the request
    that asks does not wait for a remote server). The caller commits."""
    source = await get_source(session, source_id)
    if source.status is not SourceStatus.active:
        raise SourceError(f"source {source_id} is disabled: enable it first")
    source.next_fetch_at = now
    record(session, actor, "feeds.fetch_requested", source.url)
    return source


@dataclass(frozen=True)
class SourceStatusRow:
    id: int
    url: str
    title: str | None
    status: str
    networks: list[str]
    city: str | None
    language: str | None
    items: int
    last_success_at: datetime | None
    last_error: str | None
    next_fetch_at: datetime | None
    last_error_at: datetime | None = None
    failures: int = 0


async def source_status(session: AsyncSession) -> list[SourceStatusRow]:
    counts = await feeds_queries.item_counts(session)
    sources = await feeds_queries.sources_by_id(session)
    return [
        SourceStatusRow(
            id=s.id,
            url=s.url,
            title=s.title,
            status=s.status.value,
            networks=list(s.networks),
            city=s.city.name if s.city else None,
            language=s.language,
            items=int(counts.get(s.id, 0)),
            last_success_at=s.last_success_at,
            last_error=s.last_error,
            next_fetch_at=s.next_fetch_at,
            last_error_at=s.last_error_at,
            failures=s.failures,
        )
        for s in sources
    ]
