"""Scheduled bulletin work, derived from the database so that a restart loses nothing.

- `compose_scheduled_drafts` (every few minutes): for each series whose cadence fired within the
  grace period, compose a draft per language unless an edition of that language already covers
  the fire time (so running it twice, or after a restart, composes once). Staff are told through
  a log line and, in the bot, a message to every staff member (app/jobs.py).

Editions approved with a send time are handed to delivery by the `aive worker` drainer
(app/delivery.py), which queues their deliveries when the time comes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.editions import service as bulletins
from newsletter.editions.cadence import CadenceError, last_fire
from newsletter.editions.errors import BulletinError
from newsletter.editions.render import RenderError
from newsletter.editions.service import BulletinConfig
from newsletter.editions.values import CompositionError, Period
from storage.bulletins import Edition, Series
from storage.engine import SessionFactory

log = logging.getLogger(__name__)
GRACE = timedelta(days=3)  # a scheduler down longer than this does not compose stale drafts

Deliver = Callable[[Sequence[Edition]], Awaitable[object]]


async def compose_scheduled_drafts(
    sessions: SessionFactory,
    now: datetime,
    config: BulletinConfig,
    grace: timedelta = GRACE,
) -> list[Edition]:
    """Compose the drafts whose cadence fired in (now - grace, now]; returns the new drafts."""
    composed: list[Edition] = []
    async with sessions() as session:
        every = (await session.scalars(select(Series).order_by(Series.slug))).all()
    for series in every:
        try:
            fired = last_fire(series.cadence, config.timezone, now)
        except CadenceError as error:
            log.error("bulletin series %s: %s", series.slug, error)
            continue
        if fired is None or fired <= now - grace:
            continue
        for language in series.languages:
            edition = await _compose_for_fire(sessions, series, language, fired, now, config)
            if edition is not None:
                composed.append(edition)
    return composed


async def _compose_for_fire(
    sessions: SessionFactory,
    series: Series,
    language: str,
    fired: datetime,
    now: datetime,
    config: BulletinConfig,
) -> Edition | None:
    async with sessions() as session:
        if await _covered(session, series, language, fired):
            return None
        try:
            start = await bulletins.period_start(session, series, language, fired, config)
            if start >= fired:
                return None
            edition = await bulletins.compose_draft(
                session,
                series.slug,
                language,
                now,
                Period(start, fired),
                config=config,
                actor="scheduler",
            )
        except (BulletinError, CompositionError, RenderError) as error:
            log.error("bulletin %s/%s: no draft composed: %s", series.slug, language, error)
            return None
    log.info(
        "bulletin draft ready for review: edition %s (%s, %s), %d items — "
        "`aive bulletin edit %s`, then `aive bulletin approve %s`",
        edition.id,
        series.slug,
        language,
        edition.content.get("spread", {}).get("total", 0),
        edition.id,
        edition.id,
    )
    return edition


async def _covered(session: AsyncSession, series: Series, language: str, fired: datetime) -> bool:
    """An edition (in any status, cancelled too) already reaches the fire time."""
    found = await session.scalar(
        select(
            exists().where(
                Edition.series_id == series.id,
                Edition.language == language,
                Edition.period_end >= fired,
            )
        )
    )
    return bool(found)
