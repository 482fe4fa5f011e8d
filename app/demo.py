"""The newcomer's first minute: example cities and feeds, an upcoming virtual café and an open
consultation (so the first bulletin and the web pages show them), loaded only by `make run`.

Never part of a production start: `aive demo load` is called by the Makefile's `run` target,
and does nothing once the database has any feed source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bulletin_config import bulletin_config
from app.cities import import_cities_text
from app.settings import Settings
from engagement.cafes import service as cafes
from engagement.cafes.schema import load_cafe
from engagement.consultations import lifecycle
from newsletter.editions.service import approve, compose_draft, get_series
from newsletter.feeds.ingest import run_fetch
from newsletter.feeds.opml import parse_opml
from newsletter.feeds.sources import add_source
from storage import consultation_queries as q
from storage.base import utcnow
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from storage.feeds import Item, Source
from web.public.demo_images import DEMO_IMAGES, EXAMPLES, demo_image_url


@dataclass(frozen=True)
class DemoReport:
    loaded: bool
    cities: int = 0
    sources: int = 0
    items: int = 0
    editions: int = 0
    cafes: int = 0
    consultations: int = 0


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
        opml = parse_opml((feeds_dir / "demo.opml").read_bytes(), local_files=True)
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
    async with sessions() as session:
        await _served_pictures(session, settings.public_url)
        await _engagement_examples(session, utcnow())
    editions = await _first_bulletins(settings, sessions)
    return DemoReport(
        loaded=True,
        cities=len(parsed.rows),
        sources=len(opml.sources),
        items=sum(r.new for r in reports),
        editions=editions,
        cafes=1,
        consultations=1,
    )


async def _served_pictures(session: AsyncSession, public_url: str) -> None:
    """Point the example items' pictures at the copies the web app serves (see demo_images)."""
    for item in await session.scalars(select(Item).where(Item.image_url.is_not(None))):
        served = demo_image_url(item.image_url or "", DEMO_IMAGES, public_url)
        if served:
            item.image_url = served
    await session.commit()


async def _engagement_examples(session: AsyncSession, now: datetime) -> None:
    """The example café two weeks from now and the example consultation, open for three weeks
    (their files carry fixed dates; the demo moves them so that they are current)."""
    cafe = yaml.safe_load((EXAMPLES / "cafes" / "school-streets.yaml").read_text("utf-8"))
    cafe["starts_at"] = (now + timedelta(days=14)).replace(microsecond=0).isoformat()
    networks = await q.all_network_slugs(session)
    definition = load_cafe(yaml.safe_dump(cafe, allow_unicode=True), EXAMPLES / "cafes", networks)
    await cafes.schedule(session, definition, actor="demo", now=now)
    path = EXAMPLES / "consultations" / "day-2026-declaration.yaml"
    consultation = yaml.safe_load(path.read_text("utf-8"))
    consultation["opens_at"] = (now - timedelta(days=1)).replace(microsecond=0).isoformat()
    consultation["closes_at"] = (now + timedelta(days=21)).replace(microsecond=0).isoformat()
    source = yaml.safe_dump(consultation, allow_unicode=True)
    created = await lifecycle.create_consultation(session, source, actor="demo")
    await lifecycle.set_status(session, created.id, ConsultationStatus.open, actor="demo")


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
