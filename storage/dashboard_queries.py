"""What needs staff now, for the console's dashboard: each a small query returning plain
values (no ORM object leaves this module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcasts import Broadcast, BroadcastMessage, MessageState
from storage.bulletins import Edition, EditionStatus, Series
from storage.campaigns import Campaign, CampaignStatus, CampaignStep, StepStatus
from storage.consultations import (
    Consultation,
    ConsultationInvitation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
    ResponseStatus,
)
from storage.deliveries import Delivery, DeliveryState
from storage.feeds import Source, SourceStatus
from storage.youth import SubmissionStatus, YouthSubmission


@dataclass(frozen=True)
class DraftWaiting:
    edition_id: int
    series: str
    language: str
    subject: str
    created_at: datetime


@dataclass(frozen=True)
class ConsultationClosing:
    consultation_id: int
    slug: str
    titles: dict[str, str]
    closes_at: datetime
    invited: int
    submitted: int

    @property
    def response_rate(self) -> float | None:
        """Submitted responses over people invited; None before anyone was invited."""
        return self.submitted / self.invited if self.invited else None


@dataclass(frozen=True)
class NextStep:
    year: int
    key: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class SendTrouble:
    kind: str  # "email" (an edition's deliveries) or "chat" (a broadcast's messages)
    id: int
    label: str
    failed: int
    uncertain: int


@dataclass(frozen=True)
class FailingFeed:
    source_id: int
    url: str
    title: str | None
    last_error: str | None
    failing_since: datetime | None
    failures: int


async def drafts_waiting(session: AsyncSession, limit: int = 20) -> list[DraftWaiting]:
    rows = await session.execute(
        select(Edition.id, Series.slug, Edition.language, Edition.subject, Edition.created_at)
        .join(Series, Series.id == Edition.series_id)
        .where(Edition.status == EditionStatus.draft)
        .order_by(Edition.created_at)
        .limit(limit)
    )
    return [DraftWaiting(*row) for row in rows.all()]


async def youth_ideas_queued(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many youth ideas wait for a decision, and since when the oldest does."""
    row = (
        await session.execute(
            select(func.count(), func.min(YouthSubmission.created_at)).where(
                YouthSubmission.status == SubmissionStatus.pending
            )
        )
    ).one()
    return int(row[0]), row[1]


async def consultations_closing(
    session: AsyncSession, now: datetime, within: timedelta = timedelta(days=7)
) -> list[ConsultationClosing]:
    """Open consultations closing within `within`, with people invited and responses in."""
    invited = (
        select(func.count(func.distinct(ConsultationInvitation.person_id)))
        .where(
            ConsultationInvitation.consultation_id == Consultation.id,
            ConsultationInvitation.kind == InvitationKind.invite,
        )
        .scalar_subquery()
    )
    submitted = (
        select(func.count())
        .select_from(ConsultationResponse)
        .where(
            ConsultationResponse.consultation_id == Consultation.id,
            ConsultationResponse.status == ResponseStatus.submitted,
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            Consultation.id,
            Consultation.slug,
            Consultation.titles,
            Consultation.closes_at,
            invited,
            submitted,
        )
        .where(
            Consultation.status == ConsultationStatus.open,
            Consultation.closes_at >= now,
            Consultation.closes_at <= now + within,
        )
        .order_by(Consultation.closes_at)
    )
    return [
        ConsultationClosing(r[0], r[1], dict(r[2] or {}), r[3], int(r[4]), int(r[5]))
        for r in rows.all()
    ]


async def next_campaign_step(session: AsyncSession) -> NextStep | None:
    """The earliest step not launched yet of an active campaign."""
    row = (
        await session.execute(
            select(Campaign.year, CampaignStep.key, CampaignStep.due_at, CampaignStep.status)
            .join(Campaign, Campaign.id == CampaignStep.campaign_id)
            .where(
                Campaign.status == CampaignStatus.active,
                CampaignStep.status.in_([StepStatus.planned, StepStatus.paused]),
            )
            .order_by(CampaignStep.due_at)
            .limit(1)
        )
    ).first()
    return NextStep(row[0], row[1], row[2], str(row[3])) if row else None


async def sends_in_trouble(session: AsyncSession, limit: int = 20) -> list[SendTrouble]:
    """Editions and broadcasts with failed or uncertain rows, most troubled first."""
    email_bad = func.sum(case((Delivery.state == DeliveryState.failed, 1), else_=0))
    email_unsure = func.sum(case((Delivery.state == DeliveryState.uncertain, 1), else_=0))
    emails = await session.execute(
        select(Edition.id, Series.slug, Edition.language, email_bad, email_unsure)
        .join(Edition, Edition.id == Delivery.edition_id)
        .join(Series, Series.id == Edition.series_id)
        .where(Delivery.state.in_([DeliveryState.failed, DeliveryState.uncertain]))
        .group_by(Edition.id, Series.slug, Edition.language)
        .limit(limit)
    )
    chat_bad = func.sum(case((BroadcastMessage.state == MessageState.failed, 1), else_=0))
    chat_unsure = func.sum(case((BroadcastMessage.state == MessageState.uncertain, 1), else_=0))
    chats = await session.execute(
        select(Broadcast.id, Broadcast.key, Broadcast.audience, chat_bad, chat_unsure)
        .join(Broadcast, Broadcast.id == BroadcastMessage.broadcast_id)
        .where(BroadcastMessage.state.in_([MessageState.failed, MessageState.uncertain]))
        .group_by(Broadcast.id, Broadcast.key, Broadcast.audience)
        .limit(limit)
    )
    found = [
        SendTrouble("email", r[0], f"{r[1]} ({r[2]})", int(r[3] or 0), int(r[4] or 0))
        for r in emails.all()
    ]
    found += [
        SendTrouble("chat", r[0], r[1] or r[2] or f"#{r[0]}", int(r[3] or 0), int(r[4] or 0))
        for r in chats.all()
    ]
    return sorted(found, key=lambda t: -(t.failed + t.uncertain))[:limit]


async def feeds_failing(
    session: AsyncSession, now: datetime, longer_than: timedelta = timedelta(days=1)
) -> list[FailingFeed]:
    """Active sources whose last fetch failed and that have not succeeded for `longer_than`
    (a source that never succeeded counts from when it was added)."""
    last_good = func.coalesce(Source.last_success_at, Source.created_at)
    rows = await session.execute(
        select(
            Source.id,
            Source.url,
            Source.title,
            Source.last_error,
            Source.last_success_at,
            Source.failures,
        )
        .where(
            Source.status == SourceStatus.active,
            Source.last_error_at.is_not(None),
            or_(
                Source.last_success_at.is_(None),
                and_(
                    Source.last_success_at.is_not(None),
                    Source.last_error_at > Source.last_success_at,
                ),
            ),
            last_good < now - longer_than,
        )
        .order_by(last_good)
    )
    return [FailingFeed(r[0], r[1], r[2], r[3], r[4], int(r[5] or 0)) for r in rows.all()]
