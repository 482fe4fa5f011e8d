"""The newcomer's first minute: example cities and feeds, loaded only by `make run`.

Never part of a production start: `aive demo load` is called by the Makefile's `run` target,
and does nothing once the database has any feed source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.bulletin_config import bulletin_config
from app.cities import import_cities_text
from app.settings import Settings
from newsletter.bulletins import approve, compose_draft, get_series
from newsletter.feeds.ingest import run_fetch
from newsletter.feeds.opml import parse_opml
from newsletter.feeds.sources import add_source
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.feeds import Source

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class DemoReport:
    loaded: bool
    cities: int = 0
    sources: int = 0
    items: int = 0
    editions: int = 0


async def load_demo(settings: Settings, sessions: SessionFactory) -> DemoReport:
    """Load the example cities and feeds and fetch them, unless sources already exist."""
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(Source)):
            return DemoReport(loaded=False)
        parsed, _, _ = await import_cities_text(
            session, (EXAMPLES / "cities.csv").read_text("utf-8")
        )
        await session.flush()
        feeds_dir = EXAMPLES / "feeds"
        opml = parse_opml((feeds_dir / "demo.opml").read_bytes())
        for entry in opml.sources:
            await add_source(
                session,
                str(feeds_dir / entry.url),
                entry.networks,
                entry.city,
                entry.language,
                entry.title,
                actor="demo",
            )
        await session.commit()
    reports = await run_fetch(settings, sessions, only_due=False)
    editions = await _first_bulletins(settings, sessions)
    return DemoReport(
        loaded=True,
        cities=len(parsed.rows),
        sources=len(opml.sources),
        items=sum(r.new for r in reports),
        editions=editions,
    )


async def _first_bulletins(settings: Settings, sessions: SessionFactory) -> int:
    """Compose and approve the `global` bulletin in each of its languages (public archive)."""
    config = bulletin_config(settings)
    count = 0
    async with sessions() as session:
        series = await get_series(session, "global")
        for language in series.languages:
            edition = await compose_draft(
                session, "global", language, utcnow(), config=config, actor="demo"
            )
            await approve(session, edition.id, actor="demo")
            count += 1
    return count
