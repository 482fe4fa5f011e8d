"""Edition queries for the staff console: editions by state, the language versions of one
period, and how many editions are in each state."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from storage.bulletins import Edition, EditionStatus, Series

# what a list of editions does not show: the rendered email and the composed content
LIGHT = (defer(Edition.html), defer(Edition.text), defer(Edition.content))


async def editions_in_state(
    session: AsyncSession, status: EditionStatus | None, limit: int = 100
) -> list[Edition]:
    """Newest period first, then series and language; every state when `status` is None."""
    query = (
        select(Edition)
        .join(Series)
        .order_by(Edition.period_end.desc(), Series.slug, Edition.language)
        .limit(limit)
        .options(*LIGHT)
    )
    if status is not None:
        query = query.where(Edition.status == status)
    return list((await session.scalars(query)).all())


async def state_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Edition.status, func.count()).group_by(Edition.status))
    return {EditionStatus(status).value: int(count) for status, count in rows.all()}


async def language_versions(session: AsyncSession, edition: Edition) -> list[Edition]:
    """The editions of the same series and period in every language (this one included)."""
    query = (
        select(Edition)
        .where(Edition.series_id == edition.series_id, Edition.period_start == edition.period_start)
        .order_by(Edition.language)
        .options(*LIGHT)
    )
    return list((await session.scalars(query)).all())
