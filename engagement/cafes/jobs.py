"""The café job (wired in app/jobs.py, every minute): reminders, check-in calls, evaluations.

Everything is derived from the database at `now`, so the job can run late, twice, or after a
restart: each notice goes to each person once (see `notices`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes import notices, service
from engagement.consultations import invitations, lifecycle
from storage import cafe_seats as seats
from storage.base import utcnow
from storage.cafes import Cafe, NoticeKind, SeatState
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory

log = logging.getLogger(__name__)


@dataclass
class Sent:
    """How many notices of each kind were queued by one run."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: NoticeKind, n: int) -> None:
        if n:
            self.counts[kind.value] = self.counts.get(kind.value, 0) + n


async def invite_audience(
    session: AsyncSession,
    cafe: Cafe,
    *,
    now: datetime,
    default_timezone: str,
    default_language: str,
    created_by: str,
) -> int:
    """Invite the café's audience (those not invited yet) with a Join button; commits."""
    if now >= cafe.ends_at:
        return 0
    people = await service.audience_people(session, cafe)
    return await notices.queue_notices(
        session,
        cafe,
        NoticeKind.invite,
        people,
        now=now,
        default_timezone=default_timezone,
        default_language=default_language,
        created_by=created_by,
    )


async def reschedule_and_tell(
    session: AsyncSession,
    cafe_id: int,
    starts_at: datetime,
    *,
    actor: str,
    now: datetime,
    default_timezone: str,
    default_language: str,
    host: str,
) -> tuple[Cafe, int]:
    """Move the café and, in the same commit, queue the new time and .ics for everyone
    registered or waiting; (the café, how many were told)."""
    told = 0

    async def tell(cafe: Cafe) -> None:
        nonlocal told
        people = await seats.people_in(session, cafe.id, SeatState.registered)
        people += await seats.people_in(session, cafe.id, SeatState.waiting)
        told = await notices.queue_moved(
            session,
            cafe,
            people,
            now=now,
            default_timezone=default_timezone,
            default_language=default_language,
            host=host,
            created_by=actor,
        )

    cafe = await service.reschedule(session, cafe_id, starts_at, actor=actor, tell=tell)
    return cafe, told


async def send_due_notices(
    session: AsyncSession, *, now: datetime, default_timezone: str, default_language: str
) -> Sent:
    """Queue every reminder and evaluation due at `now`; commits."""
    sent = Sent()
    for cafe in await service.cafes_around(session, now):
        registered = await seats.people_in(session, cafe.id, SeatState.registered)
        for kind in notices.due_kinds(cafe.starts_at, cafe.ends_at, now):
            n = await notices.queue_notices(
                session,
                cafe,
                kind,
                registered,
                now=now,
                default_timezone=default_timezone,
                default_language=default_language,
            )
            sent.add(kind, n)
        if now >= cafe.ends_at and cafe.evaluation_id is not None:
            evaluated = await _evaluate(session, cafe, now, default_language, default_timezone)
            sent.add(NoticeKind.evaluation, evaluated)
    return sent


async def _evaluate(
    session: AsyncSession, cafe: Cafe, now: datetime, default_language: str, default_timezone: str
) -> int:
    """Open the evaluation and invite the attendees who have not had it."""
    evaluation = await session.get(Consultation, cafe.evaluation_id)
    if evaluation is None or now >= evaluation.closes_at:
        return 0
    if evaluation.status == ConsultationStatus.draft:
        await lifecycle.set_status(
            session, evaluation.id, ConsultationStatus.open, actor="scheduler", now=now
        )
    if evaluation.status != ConsultationStatus.open:
        return 0  # staff closed it
    fresh = await notices.claim_notices(
        session, cafe, NoticeKind.evaluation, await seats.attendees(session, cafe.id), now=now
    )
    return await invitations.invite_people(
        session,
        evaluation.id,
        fresh,
        default_language=default_language,
        default_timezone=default_timezone,
        created_by=f"cafe:{cafe.id}",
        now=now,
    )


class _Settings(Protocol):
    default_language: str
    timezone: str


class JobContext(Protocol):
    @property
    def settings(self) -> _Settings: ...
    @property
    def sessions(self) -> SessionFactory: ...


async def send_cafe_notices(ctx: JobContext, now: datetime | None = None) -> Sent:
    """The scheduled job: queue what is due now."""
    async with ctx.sessions() as session:
        sent = await send_due_notices(
            session,
            now=now or utcnow(),
            default_timezone=ctx.settings.timezone,
            default_language=ctx.settings.default_language,
        )
    if sent.counts:
        log.info("cafés: notices queued %s", sent.counts)
    return sent
