"""Registering feed sources (from the CLI or OPML) and reading their status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.errors import NewsletterError
from storage import feeds_queries, networks_queries
from storage.audit import record
from storage.feeds import Source
from storage.networks import City


class SourceError(NewsletterError, ValueError):
    """A source cannot be registered as given (one line saying which field and why)."""


def normalize_source_url(url: str) -> str:
    """http(s) and file:// URLs as given; a local path becomes an absolute file:// URL."""
    url = url.strip()
    if url.startswith(("http://", "https://", "file://")):
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
) -> tuple[Source, bool]:
    """Add a source, or update the one with that URL; returns (source, created)."""
    url = normalize_source_url(url)
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
        )
        for s in sources
    ]
