"""SQL for youth voice: submissions of the last day, one-time staff decisions, the pending list,
erasure, and the approved ones a bulletin or a kit publishes. The rules live in engagement.youth;
the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulletins import Edition, EditionStatus
from storage.networks import City
from storage.youth import SubmissionStatus, YouthProfile, YouthSubmission


async def submission_times_since(
    session: AsyncSession, person_id: int, since: datetime
) -> list[datetime]:
    """When the person's submissions created after `since` were sent."""
    rows = await session.scalars(
        select(YouthSubmission.created_at).where(
            YouthSubmission.person_id == person_id, YouthSubmission.created_at > since
        )
    )
    return list(rows.all())


async def decide_pending(
    session: AsyncSession,
    submission_id: int,
    *,
    status: SubmissionStatus,
    reason: str | None,
    staff_id: int | None,
    now: datetime,
) -> tuple[bool, YouthSubmission | None]:
    """Give a pending submission its decision, atomically. Returns whether this call decided
    it, and the submission as stored now (None when it does not exist)."""
    changed = await session.execute(
        update(YouthSubmission)
        .where(
            YouthSubmission.id == submission_id,
            YouthSubmission.status == SubmissionStatus.pending,
        )
        .values(status=status, reason=reason, decided_by=staff_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    submission = await session.scalar(
        select(YouthSubmission)
        .where(YouthSubmission.id == submission_id)
        .execution_options(populate_existing=True)
    )
    return getattr(changed, "rowcount", 0) == 1, submission


async def pending_submissions(session: AsyncSession, limit: int) -> list[YouthSubmission]:
    """Pending submissions, oldest first."""
    rows = await session.scalars(
        select(YouthSubmission)
        .where(YouthSubmission.status == SubmissionStatus.pending)
        .order_by(YouthSubmission.created_at)
        .limit(limit)
    )
    return list(rows.all())


async def submission_ids_of(session: AsyncSession, person_id: int) -> list[int]:
    """The ids of every submission the person sent (published or not)."""
    rows = await session.scalars(
        select(YouthSubmission.id).where(YouthSubmission.person_id == person_id)
    )
    return list(rows.all())


async def profiles_of(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, YouthProfile]:
    """The youth profiles of these people, by person id (the ones without have none)."""
    if not person_ids:
        return {}
    rows = await session.scalars(
        select(YouthProfile).where(YouthProfile.person_id.in_(set(person_ids)))
    )
    return {p.person_id: p for p in rows.all()}


async def erase_youth(session: AsyncSession, person_id: int) -> int:
    """Delete the person's profile and unpublished submissions; published ones lose their
    author. Returns how many submissions were deleted."""
    await session.execute(delete(YouthProfile).where(YouthProfile.person_id == person_id))
    deleted = await session.execute(
        delete(YouthSubmission).where(
            YouthSubmission.person_id == person_id, YouthSubmission.published.is_(False)
        )
    )
    await session.execute(
        update(YouthSubmission)
        .where(YouthSubmission.person_id == person_id)
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(deleted, "rowcount", 0) or 0)


async def approved_between(
    session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[YouthSubmission, City | None, YouthProfile | None]]:
    """Submissions approved in [since, until) with their city and author's profile (either
    may be None), oldest decision first."""
    rows = await session.execute(
        select(YouthSubmission, City, YouthProfile)
        .outerjoin(City, City.id == YouthSubmission.city_id)
        .outerjoin(YouthProfile, YouthProfile.person_id == YouthSubmission.person_id)
        .where(
            YouthSubmission.status == SubmissionStatus.approved,
            YouthSubmission.decided_at >= since,
            YouthSubmission.decided_at < until,
        )
        .order_by(YouthSubmission.decided_at, YouthSubmission.id)
    )
    return [(idea, city, profile) for idea, city, profile in rows.all()]


async def mark_published(session: AsyncSession, submission_ids: Sequence[int]) -> int:
    """Mark these approved submissions published; how many were. No commit."""
    result = await session.execute(
        update(YouthSubmission)
        .where(
            YouthSubmission.id.in_(submission_ids),
            YouthSubmission.status == SubmissionStatus.approved,
        )
        .values(published=True)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def decided_submissions(
    session: AsyncSession, status: SubmissionStatus, limit: int
) -> list[YouthSubmission]:
    """Submissions with this decision, the latest decision first."""
    rows = await session.scalars(
        select(YouthSubmission)
        .where(YouthSubmission.status == status)
        .order_by(YouthSubmission.decided_at.desc(), YouthSubmission.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def editions_since(session: AsyncSession, since: datetime) -> list[Edition]:
    """Bulletin editions changed since `since` that were not cancelled, oldest first (their
    `content` tells which youth ideas they quote)."""
    rows = await session.scalars(
        select(Edition)
        .where(Edition.updated_at >= since, Edition.status != EditionStatus.cancelled)
        .order_by(Edition.created_at, Edition.id)
    )
    return list(rows.all())
