"""SQL for youth voice: submissions of the last day, one-time staff decisions, the pending list
and erasure. The rules live in engagement.youth; the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

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
    staff_id: int,
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
