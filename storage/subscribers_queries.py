"""SQL for email subscribers: who receives bulletins (`Subscriber.receives_bulletins`, in a
language and networks), as rows or as a count; look-ups by address and bulk inserts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Table,
    and_,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditEvent
from storage.bulletins import Edition
from storage.deliveries import Delivery, DeliveryEvent
from storage.erasures import ErasedAddress
from storage.subscribers import Subscriber, SubscriberStatus


def in_networks(session: AsyncSession, networks: Sequence[str]) -> ColumnElement[bool]:
    """Subscribers sharing a network with `networks` (every subscriber when it is empty)."""
    if not networks:
        return true()
    if session.get_bind().dialect.name == "postgresql":
        return Subscriber.networks.op("?|")(postgresql.array(list(networks)))
    wanted = ", ".join(f"'{_sql_quote(n)}'" for n in networks)
    sql = f"EXISTS (SELECT 1 FROM json_each(subscribers.networks) WHERE value IN ({wanted}))"
    return literal_column(sql, Boolean)


def _sql_quote(value: str) -> str:
    return value.replace("'", "''")


def bulletin_readers_where(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> ColumnElement[bool]:
    """The SQL condition for subscribers who receive bulletins in `language` (any: None) of
    `networks` (any: empty)."""
    conditions = [Subscriber.receives_bulletins, in_networks(session, networks)]
    if language is not None:
        conditions.append(Subscriber.language == language)
    return and_(*conditions)


async def bulletin_readers(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> list[tuple[int, str, str | None]]:
    """(id, email, language) of the subscribers who receive bulletins in `language` (any:
    None) of `networks` (any: empty), by id."""
    rows = await session.execute(
        select(Subscriber.id, Subscriber.email, Subscriber.language)
        .where(bulletin_readers_where(session, language=language, networks=networks))
        .order_by(Subscriber.id)
    )
    return [(i, e, lang) for i, e, lang in rows.all()]


async def count_bulletin_readers(
    session: AsyncSession, *, language: str | None = None, networks: Sequence[str] = ()
) -> int:
    """How many subscribers `bulletin_readers` returns."""
    count = await session.scalar(
        select(func.count())
        .select_from(Subscriber)
        .where(bulletin_readers_where(session, language=language, networks=networks))
    )
    return int(count or 0)


SUBSCRIBERS = cast(Table, Subscriber.__table__)


async def subscriber_by_key(session: AsyncSession, email_key: str) -> Subscriber | None:
    return await session.scalar(select(Subscriber).where(Subscriber.email_key == email_key))


async def statuses_by_key(
    session: AsyncSession, keys: Sequence[str], *, chunk: int = 1000
) -> dict[str, SubscriberStatus]:
    """Address key → status, for the keys that are subscribers."""
    found: dict[str, SubscriberStatus] = {}
    for start in range(0, len(keys), chunk):
        rows = await session.execute(
            select(Subscriber.email_key, Subscriber.status).where(
                Subscriber.email_key.in_(keys[start : start + chunk])
            )
        )
        found.update({row.email_key: row.status for row in rows})
    return found


async def insert_subscribers(
    session: AsyncSession, values: Sequence[dict[str, object]], *, chunk: int = 1000
) -> dict[str, int]:
    """Insert these subscriber rows; address key → new id."""
    # the table, not the mapped class, and no RETURNING: one executemany round trip (the
    # ORM's per-row work and a fetch per returned row were most of a large import's time)
    await session.execute(insert(SUBSCRIBERS), list(values))
    id_of: dict[str, int] = {}
    new_keys = [str(v["email_key"]) for v in values]
    for start in range(0, len(new_keys), chunk):
        rows = await session.execute(
            select(Subscriber.email_key, Subscriber.id).where(
                Subscriber.email_key.in_(new_keys[start : start + chunk])
            )
        )
        id_of.update({row.email_key: row.id for row in rows})
    return id_of


async def suppress(
    session: AsyncSession,
    *,
    ids: Sequence[int] = (),
    email_keys: Sequence[str] = (),
    still: Sequence[SubscriberStatus],
    status: SubscriberStatus,
    reason: str,
    now: datetime,
) -> list[int]:
    """Give the subscribers with these ids (or these address keys) who are in one of `still`
    the status `status`; their ids."""
    who = Subscriber.id.in_(ids) if ids else Subscriber.email_key.in_(email_keys)
    suppressed = await session.scalars(
        update(Subscriber)
        .where(who, Subscriber.status.in_(still))
        .values(status=status, status_reason=reason, updated_at=now)
        .returning(Subscriber.id)
    )
    return list(suppressed.all())


async def subscribers_by_id(
    session: AsyncSession, status: SubscriberStatus | None = None
) -> list[Subscriber]:
    """Every subscriber (or those in `status`), by id."""
    query = select(Subscriber).order_by(Subscriber.id)
    if status is not None:
        query = query.where(Subscriber.status == status)
    return list((await session.scalars(query)).all())


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
        return Subscriber.networks.op("@>")(sql_cast([network], postgresql.JSONB))
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
    """The audit rows about one subject, newest first: in the order they were written (a
    step of a use case may carry the time the use case started)."""
    query = select(AuditEvent).where(AuditEvent.subject == subject).order_by(AuditEvent.id.desc())
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
