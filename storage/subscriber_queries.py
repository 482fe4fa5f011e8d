"""Subscriber queries for staff: search with filters, one person's history and deliveries, the
export stream, and the rows an erasure removes or keeps (as a hash)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    cast,
    delete,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditEvent
from storage.bulletins import Edition
from storage.deliveries import Delivery, DeliveryEvent
from storage.erasures import ErasedAddress
from storage.subscribers import Subscriber, SubscriberStatus

LOOKUP_CHUNK = 1000  # values per IN (...): well under the databases' parameter limits


@dataclass(frozen=True, slots=True)
class SubscriberFilter:
    """What staff search for; empty fields do not filter."""

    text: str = ""  # part of the address or of the name
    status: SubscriberStatus | None = None
    language: str | None = None
    network: str | None = None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in_network(session: AsyncSession, network: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return Subscriber.networks.op("@>")(cast([network], postgresql.JSONB))
    quoted = network.replace("'", "''")
    sql = f"EXISTS (SELECT 1 FROM json_each(subscribers.networks) WHERE value = '{quoted}')"
    return literal_column(sql, Boolean)


def _conditions(session: AsyncSession, wanted: SubscriberFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = wanted.text.strip().lower()
    if "@" in text[1:]:
        # an address is typed from its start: a range of the unique index, not a scan
        conditions.append(Subscriber.email_key >= text)
        conditions.append(Subscriber.email_key < text + "\uffff")
    elif text:
        pattern = f"%{_like_escape(text)}%"
        conditions.append(
            or_(
                Subscriber.email_key.like(pattern, escape="\\"),
                func.lower(Subscriber.name).like(pattern, escape="\\"),
            )
        )
    if wanted.status is not None:
        conditions.append(Subscriber.status == wanted.status)
    if wanted.language:
        conditions.append(Subscriber.language == wanted.language)
    if wanted.network:
        conditions.append(_in_network(session, wanted.network))
    return conditions


async def search_subscribers(
    session: AsyncSession,
    wanted: SubscriberFilter,
    *,
    limit: int = 50,
    before_id: int | None = None,
) -> tuple[list[Subscriber], int | None]:
    """Newest first, `limit` at most, and the id to pass as `before_id` for the next page
    (None on the last page). Paged by id, so a page costs the same wherever it is."""
    conditions = _conditions(session, wanted)
    if before_id is not None:
        conditions.append(Subscriber.id < before_id)
    query = select(Subscriber).where(*conditions).order_by(Subscriber.id.desc())
    found = list((await session.scalars(query.limit(limit + 1))).all())
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1].id if more and found else None)


async def stream_subscribers(
    session: AsyncSession, wanted: SubscriberFilter, chunk: int = 2000
) -> AsyncIterator[Subscriber]:
    """Every matching subscriber by id, read `chunk` rows at a time (for the CSV export)."""
    conditions = _conditions(session, wanted)
    last = 0
    while True:
        query = (
            select(Subscriber)
            .where(*conditions, Subscriber.id > last)
            .order_by(Subscriber.id)
            .limit(chunk)
        )
        rows = list((await session.scalars(query)).all())
        for row in rows:
            yield row
        if len(rows) < chunk:
            return
        last = rows[-1].id
        session.expunge_all()


async def subscriber_history(
    session: AsyncSession, subject: str, limit: int | None = 200
) -> list[AuditEvent]:
    """The audit rows about one subject, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject == subject)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    edition_id: int
    subject: str
    language: str
    state: str
    accepted_at: datetime | None
    last_error: str | None
    events: tuple[str, ...]


async def subscriber_deliveries(
    session: AsyncSession, subscriber_id: int, limit: int | None = 50
) -> list[DeliveryRow]:
    """The bulletins sent (or being sent) to one subscriber, newest first, with the provider's
    events about each (delivered, open, click, bounce…)."""
    query = (
        select(Delivery, Edition.subject, Edition.language)
        .join(Edition, Edition.id == Delivery.edition_id)
        .where(Delivery.subscriber_id == subscriber_id)
        .order_by(Delivery.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.execute(query)).all()
    events: dict[int, list[str]] = {}
    found = await session.execute(
        select(DeliveryEvent.edition_id, DeliveryEvent.event)
        .where(DeliveryEvent.subscriber_id == subscriber_id)
        .order_by(DeliveryEvent.id)
    )
    for edition_id, event in found.all():
        if edition_id is not None and event not in events.setdefault(edition_id, []):
            events[edition_id].append(event)
    return [
        DeliveryRow(
            edition_id=d.edition_id,
            subject=subject,
            language=language,
            state=d.state.value,
            accepted_at=d.accepted_at,
            last_error=d.last_error,
            events=tuple(events.get(d.edition_id, ())),
        )
        for d, subject, language in rows
    ]


async def subscriber_events(session: AsyncSession, subscriber_id: int) -> list[DeliveryEvent]:
    query = select(DeliveryEvent).where(DeliveryEvent.subscriber_id == subscriber_id)
    return list((await session.scalars(query.order_by(DeliveryEvent.id))).all())


async def erased_among(session: AsyncSession, hashes: Sequence[str]) -> dict[str, datetime]:
    """{hash: when it was erased} for the given address hashes that were erased."""
    found: dict[str, datetime] = {}
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        rows = await session.execute(
            select(ErasedAddress.address_hash, ErasedAddress.erased_at).where(
                ErasedAddress.address_hash.in_(hashes[start : start + LOOKUP_CHUNK])
            )
        )
        found.update({h: at for h, at in rows.all()})
    return found


async def keep_erased_hash(session: AsyncSession, address_hash: str, at: datetime) -> None:
    existing = await session.scalar(
        select(ErasedAddress).where(ErasedAddress.address_hash == address_hash)
    )
    if existing is None:
        session.add(ErasedAddress(address_hash=address_hash, erased_at=at))
    else:
        existing.erased_at = at


async def forget_erased_hash(session: AsyncSession, address_hash: str) -> None:
    """The person consented again themselves: the erasure no longer stands in their way."""
    await session.execute(delete(ErasedAddress).where(ErasedAddress.address_hash == address_hash))


async def delete_subscriber_rows(
    session: AsyncSession, subscriber: Subscriber, subject: str
) -> int:
    """Delete the subscriber, their deliveries and provider events, and empty the details of
    the audit rows about them (the rows stay: who did what and when, without the person's data).
    Returns how many audit rows were emptied."""
    await session.execute(delete(DeliveryEvent).where(DeliveryEvent.subscriber_id == subscriber.id))
    await session.execute(delete(Delivery).where(Delivery.subscriber_id == subscriber.id))
    scrubbed = await session.execute(
        update(AuditEvent)
        .where(AuditEvent.subject == subject)
        .values(details={}, before=None, after=None)
        .execution_options(synchronize_session=False)
    )
    await session.delete(subscriber)
    return int(getattr(scrubbed, "rowcount", 0) or 0)


async def subscriber_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(Subscriber.status, func.count()).group_by(Subscriber.status)
    )
    return {SubscriberStatus(status).value: int(count) for status, count in rows.all()}
