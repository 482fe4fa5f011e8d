"""The delivery queue of an edition in SQL: enqueue it, find the editions due or with rows left,
and mark an edition sent once all its rows are done (and some went out).

Enqueueing adds one `queued` delivery per subscriber who receives bulletins (see
`Subscriber.receives_bulletins`) in the edition's language and series networks; the rows are
then claimed, leased and given their outcome in
`storage.deliveries_queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, defer

from storage.bulletins import Edition, EditionStatus, Series
from storage.deliveries import Delivery, DeliveryState
from storage.deliveries_queries import CLAIMABLE_ROWS, UNFINISHED_ROWS, rows_changed
from storage.errors import StorageError
from storage.subscribers import Subscriber
from storage.subscribers_queries import bulletin_readers_where

SENDABLE_EDITION = (
    EditionStatus.approved,
    EditionStatus.scheduled,
    EditionStatus.sending,
    EditionStatus.sent,
)


class QueueError(StorageError):
    """The edition cannot be sent (unknown, a draft, cancelled); one line for the user."""


@dataclass(frozen=True, slots=True)
class EnqueueResult:
    added: int
    requeued: int


async def enqueue_edition(session: AsyncSession, edition_id: int, now: datetime) -> EnqueueResult:
    """Queue one delivery per confirmed, unpaused subscriber of the edition's series networks
    and language (idempotent: existing rows stay); re-queue failed rows; status → sending.

    Raises QueueError for an unknown, draft or cancelled edition. The caller commits.
    """
    edition = await session.get(Edition, edition_id)
    if edition is None:
        raise QueueError(f"no edition {edition_id}")
    if edition.status not in SENDABLE_EDITION:
        raise QueueError(
            f"edition {edition_id} is {edition.status.value}: only an approved edition can be sent"
        )
    if not (edition.html and edition.text and edition.subject):
        raise QueueError(f"edition {edition_id} has no rendered subject, HTML and text yet")
    eligible = and_(
        bulletin_readers_where(
            session, language=edition.language, networks=edition.series.networks
        ),
        ~exists().where(Delivery.edition_id == edition_id, Delivery.subscriber_id == Subscriber.id),
    )
    rows = select(
        literal(edition_id),
        Subscriber.id,
        Subscriber.email,
        literal(DeliveryState.queued.value),
        literal(0),
        literal(now, type_=Delivery.__table__.c.updated_at.type),
    ).where(eligible)
    columns = ["edition_id", "subscriber_id", "email", "state", "attempts", "updated_at"]
    added = await session.execute(insert(Delivery).from_select(columns, rows))
    requeued = await session.execute(
        update(Delivery)
        .where(Delivery.edition_id == edition_id, Delivery.state == DeliveryState.failed)
        .values(state=DeliveryState.queued, attempts=0, updated_at=now)
    )
    edition.status = EditionStatus.sending
    edition.sent_at = None
    return EnqueueResult(rows_changed(added), rows_changed(requeued))


async def next_edition(session: AsyncSession) -> int | None:
    """An edition being sent that still has rows to claim."""
    query = (
        select(Delivery.edition_id)
        .join(Edition, Edition.id == Delivery.edition_id)
        .where(Edition.status == EditionStatus.sending, CLAIMABLE_ROWS)
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def finish_edition(session: AsyncSession, edition_id: int, now: datetime) -> bool:
    """Close the edition when no row is queued, sending or uncertain; True if it is closed.

    It is `sent` when its deliveries say so: some were accepted, or none failed (no
    recipient at all). When every row that was tried failed, it goes back to `approved`:
    nothing went out, and `aive bulletin send` tries the failed rows again.
    """
    left = await session.scalar(
        select(Delivery.id).where(Delivery.edition_id == edition_id, UNFINISHED_ROWS).limit(1)
    )
    if left is not None:
        return False
    outcomes = set(
        (
            await session.scalars(
                select(Delivery.state)
                .where(
                    Delivery.edition_id == edition_id,
                    Delivery.state.in_((DeliveryState.accepted, DeliveryState.failed)),
                )
                .distinct()
            )
        ).all()
    )
    went_out = DeliveryState.accepted in outcomes or DeliveryState.failed not in outcomes
    closed = (
        {"status": EditionStatus.sent, "sent_at": now}
        if went_out
        else {"status": EditionStatus.approved, "sent_at": None}
    )
    await session.execute(
        update(Edition)
        .where(Edition.id == edition_id, Edition.status == EditionStatus.sending)
        .values(**closed)
    )
    return True


async def finish_sent_editions(session: AsyncSession, now: datetime) -> list[int]:
    """Close every edition being sent whose rows are all done (the worker's idle pass)."""
    sending = (
        await session.scalars(select(Edition.id).where(Edition.status == EditionStatus.sending))
    ).all()
    return [e for e in sending if await finish_edition(session, e, now)]


async def due_scheduled_editions(session: AsyncSession, now: datetime) -> list[int]:
    """The scheduled editions whose send time is at or before `now` (to be enqueued)."""
    query = select(Edition.id).where(
        Edition.status == EditionStatus.scheduled, Edition.send_at <= now
    )
    return list((await session.scalars(query)).all())


async def series_by_slug(session: AsyncSession, slug: str) -> Series | None:
    return await session.scalar(select(Series).where(Series.slug == slug))


async def edition_of(
    session: AsyncSession, series_id: int, period_start: datetime, language: str
) -> Edition | None:
    """The series' edition for the period starting on `period_start`, in `language`."""
    return await session.scalar(
        select(Edition).where(
            Edition.series_id == series_id,
            Edition.period_start == period_start,
            Edition.language == language,
        )
    )


async def editions_newest_first(session: AsyncSession, series_slug: str | None) -> list[Edition]:
    """Editions (of the series `series_slug`, or all), newest period first, then language."""
    query = select(Edition).join(Series).order_by(Edition.period_end.desc(), Edition.language)
    if series_slug:
        query = query.where(Series.slug == series_slug)
    return list((await session.scalars(query)).all())


async def latest_edition(
    session: AsyncSession,
    series_id: int,
    language: str,
    statuses: Sequence[EditionStatus],
    newest_by: InstrumentedAttribute[datetime],
) -> Edition | None:
    """The series' edition in `language` and one of `statuses` with the latest `newest_by`."""
    return await session.scalar(
        select(Edition)
        .where(
            Edition.series_id == series_id,
            Edition.language == language,
            Edition.status.in_(statuses),
        )
        .order_by(newest_by.desc())
        .limit(1)
    )


async def all_series(session: AsyncSession) -> list[Series]:
    """Every series, by slug."""
    return list((await session.scalars(select(Series).order_by(Series.slug))).all())


async def edition_reaches(
    session: AsyncSession, series_id: int, language: str, moment: datetime
) -> bool:
    """Whether an edition of the series in `language` (any status, cancelled too) covers a
    period ending at or after `moment`."""
    found = await session.scalar(
        select(
            exists().where(
                Edition.series_id == series_id,
                Edition.language == language,
                Edition.period_end >= moment,
            )
        )
    )
    return bool(found)


async def newest_drafts(session: AsyncSession, limit: int) -> list[Edition]:
    """Draft editions, newest period first."""
    query = (
        select(Edition)
        .where(Edition.status == EditionStatus.draft)
        .order_by(Edition.period_end.desc(), Edition.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def edition_status(session: AsyncSession, edition_id: int) -> EditionStatus | None:
    return await session.scalar(select(Edition.status).where(Edition.id == edition_id))


async def editions_in(
    session: AsyncSession,
    series_id: int,
    statuses: Sequence[EditionStatus],
    language: str | None,
    limit: int | None = None,
) -> list[Edition]:
    """The series' editions in one of `statuses` (in `language`, or all), newest first."""
    query = (
        select(Edition)
        .where(Edition.series_id == series_id, Edition.status.in_(statuses))
        .order_by(Edition.period_end.desc(), Edition.id.desc())
    )
    if language:
        query = query.where(Edition.language == language)
    if limit:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())


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
