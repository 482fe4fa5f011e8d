"""Deliveries in SQL: claiming queued deliveries (take a batch under a lease, extend the lease,
record each row's outcome, and make `uncertain` the rows whose sender died), and an
edition's sending figures.

Claiming is safe with several workers: candidates are read by keyset (`id > after`, on
PostgreSQL `FOR UPDATE SKIP LOCKED`), then taken by an UPDATE guarded on their state, so a row
another worker took in between is simply not returned (this also holds on SQLite). A claimed
row is `sending` with a lease and a worker id, committed before any request: after a crash the
rows still `sending` are the one in-flight batch, and `recover_stale` makes them `uncertain`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    any_,
    cast,
    distinct,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulletins import Edition, EditionStatus
from storage.deliveries import Delivery, DeliveryEvent, DeliveryState
from storage.subscribers import Subscriber

CLAIMABLE = (DeliveryState.queued, DeliveryState.uncertain)


def _state_is(*states: DeliveryState) -> ColumnElement[bool]:
    """`deliveries.state` among `states`, written as literals: the partial indexes' predicates
    (storage.deliveries) must show in the query itself for the planner to use them (SQLite,
    and PostgreSQL's generic plans, do not look into parameters)."""
    values: list[ColumnElement[DeliveryState]] = [
        literal_column(f"'{state.value}'") for state in states
    ]
    if len(values) == 1:
        return Delivery.state == values[0]
    return Delivery.state.in_(values)


CLAIMABLE_ROWS = _state_is(*CLAIMABLE)  # ix_deliveries_claimable
SENDING_ROWS = _state_is(DeliveryState.sending)  # ix_deliveries_sending
UNFINISHED_ROWS = or_(CLAIMABLE_ROWS, SENDING_ROWS)


@dataclass(frozen=True, slots=True)
class ClaimedRecipient:
    delivery_id: int
    subscriber_id: int
    email: str
    email_key: str
    name: str | None
    attempts: int

    @property
    def id(self) -> int:
        """The subscriber id (so a claimed recipient fits the token functions' SubscriberLike)."""
        return self.subscriber_id


@dataclass(frozen=True, slots=True)
class Claim:
    edition_id: int
    batch_id: str
    recipients: tuple[ClaimedRecipient, ...]
    skipped: int
    last_id: int


def rows_changed(result: object) -> int:
    """The rows an INSERT or UPDATE changed (0 when the driver cannot tell)."""
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


async def recover_stale(session: AsyncSession, now: datetime, alive: Callable[[str], bool]) -> int:
    """Make `uncertain` the `sending` rows whose holder is gone (lease over, or `alive(worker)`
    says no). Their request may or may not have reached the provider. The caller commits."""
    # only editions being sent: ix_deliveries_sending finds their sending rows
    sending = select(Edition.id).where(Edition.status == EditionStatus.sending)
    in_flight = and_(Delivery.edition_id.in_(sending), SENDING_ROWS)
    holders = (await session.scalars(select(Delivery.worker_id).where(in_flight).distinct())).all()
    dead = [w for w in holders if w is not None and not alive(w)]
    gone = Delivery.lease_until < now
    if dead:
        gone = gone | Delivery.worker_id.in_(dead)
    result = await session.execute(
        update(Delivery)
        .where(in_flight, gone)
        .values(
            state=DeliveryState.uncertain,
            uncertain_at=now,
            worker_id=None,
            lease_until=None,
            last_error="in flight when its sender stopped",
        )
    )
    return rows_changed(result)


@dataclass(frozen=True, slots=True)
class Candidates:
    """Rows read for the next claim, not taken yet (`take_batch` takes them)."""

    edition_id: int
    wanted: tuple[ClaimedRecipient, ...]  # attempts as they will be once taken
    gone: dict[int, str]  # delivery id → why it is skipped (subscriber left or paused)
    last_id: int


async def claim_batch(
    session: AsyncSession,
    edition_id: int,
    *,
    size: int,
    worker_id: str,
    batch_id: str,
    lease_until: datetime,
    after_id: int = 0,
) -> Claim | None:
    """Take up to `size` queued or uncertain rows of the edition with id > `after_id`.

    Rows whose subscriber is no longer confirmed, or is paused, become `skipped` (so a
    one-click unsubscribe takes effect before the next batch). None when no row is left after
    `after_id`. The caller commits before sending.
    """
    candidates = await select_batch(session, edition_id, size=size, after_id=after_id)
    if candidates is None:
        return None
    return await take_batch(
        session, candidates, worker_id=worker_id, batch_id=batch_id, lease_until=lease_until
    )


async def select_batch(
    session: AsyncSession, edition_id: int, *, size: int, after_id: int = 0
) -> Candidates | None:
    """The first step of `claim_batch`: read up to `size` claimable rows after `after_id` (on
    PostgreSQL they stay locked, and skipped by other workers, until the transaction ends)."""
    query = (
        select(
            Delivery.id,
            Delivery.subscriber_id,
            Delivery.email,
            Subscriber.email_key,
            Subscriber.name,
            Subscriber.status,
            Subscriber.paused,
            Subscriber.receives_bulletins,
            Delivery.attempts,
        )
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Delivery.edition_id == edition_id, CLAIMABLE_ROWS, Delivery.id > after_id)
        .order_by(Delivery.id)
        .limit(size)
    )
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=Delivery)
    rows = (await session.execute(query)).all()
    if not rows:
        return None
    gone: dict[int, str] = {}
    wanted: list[ClaimedRecipient] = []
    for id_, subscriber_id, email, email_key, name, status, paused, receives, attempts in rows:
        if not receives:
            gone[id_] = f"subscriber is {'paused' if paused else status.value}"
        else:
            wanted.append(
                ClaimedRecipient(id_, subscriber_id, email, email_key, name, attempts + 1)
            )
    return Candidates(edition_id, tuple(wanted), gone, rows[-1][0])


async def take_batch(
    session: AsyncSession,
    candidates: Candidates,
    *,
    worker_id: str,
    batch_id: str,
    lease_until: datetime,
) -> Claim:
    """The second step of `claim_batch`: skip the rows of subscribers who left, and make the
    others `sending`; a row another worker took meanwhile is left out of the claim."""
    for reason in set(candidates.gone.values()):
        ids = [i for i, why in candidates.gone.items() if why == reason]
        await session.execute(
            update(Delivery)
            .where(_id_in(session, ids), Delivery.state.in_(CLAIMABLE))
            .values(state=DeliveryState.skipped, last_error=reason),
            execution_options={"synchronize_session": False},
        )
    taken: set[int] = set()
    if candidates.wanted:
        result = await session.execute(
            update(Delivery)
            .where(
                _id_in(session, [r.delivery_id for r in candidates.wanted]),
                Delivery.state.in_(CLAIMABLE),
            )
            .values(
                state=DeliveryState.sending,
                batch_id=batch_id,
                worker_id=worker_id,
                lease_until=lease_until,
                attempts=Delivery.attempts + 1,
            )
            .returning(Delivery.id),
            execution_options={"synchronize_session": False},
        )
        taken = set(result.scalars().all())
    recipients = candidates.wanted
    if len(taken) < len(recipients):
        recipients = tuple(r for r in recipients if r.delivery_id in taken)
    return Claim(
        candidates.edition_id, batch_id, recipients, len(candidates.gone), candidates.last_id
    )


def locks_rows_only(session: AsyncSession) -> bool:
    """True when rows taken in a transaction block no other writer until it commits (row locks
    on PostgreSQL); SQLite's writer locks the whole database."""
    return _is_postgres(session)


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _id_in(session: AsyncSession, ids: Sequence[int]) -> ColumnElement[bool]:
    """`deliveries.id` among `ids`: one array parameter on PostgreSQL (`= ANY`), so a batch is
    one short statement instead of a thousand parameters; an IN list elsewhere."""
    if _is_postgres(session):
        return Delivery.id == any_(cast(list(ids), postgresql.ARRAY(Integer)))
    return Delivery.id.in_(list(ids))


async def extend_lease(
    session: AsyncSession, edition_id: int, batch_id: str, until: datetime
) -> None:
    """Move the lease of the batch's rows still `sending` to `until`. The caller commits."""
    await session.execute(
        update(Delivery)
        .where(Delivery.edition_id == edition_id, SENDING_ROWS, Delivery.batch_id == batch_id)
        .values(lease_until=until)
    )


async def record_outcome(
    session: AsyncSession,
    ids: Sequence[int],
    state: DeliveryState,
    *,
    now: datetime,
    message_id: str | None = None,
    error: str | None = None,
) -> None:
    """Set the outcome of claimed rows (accepted, failed, uncertain, skipped, queued)."""
    if not ids:
        return
    values: dict[str, object] = {
        "state": state,
        "worker_id": None,
        "lease_until": None,
        "last_error": error[:1000] if error else None,
        "updated_at": now,
    }
    if state == DeliveryState.accepted:
        values |= {"message_id": message_id, "accepted_at": now}
    if state == DeliveryState.uncertain:
        values["uncertain_at"] = now
    for start in range(0, len(ids), 1000):
        chunk = list(ids[start : start + 1000])
        await session.execute(
            update(Delivery)
            .where(_id_in(session, chunk), Delivery.state == DeliveryState.sending)
            .values(**values),
            execution_options={"synchronize_session": False},
        )


def lease_from(now: datetime, seconds: float) -> datetime:
    """When a lease taken at `now` for `seconds` runs out."""
    return now + timedelta(seconds=seconds)


# Event Webhook event → the stats figure it counts (distinct subscribers)
EVENT_FIGURES = {
    "delivered": "delivered",
    "bounce": "bounced",
    "dropped": "bounced",
    "spamreport": "complained",
    "open": "opened",
    "click": "clicked",
    "unsubscribe": "unsubscribed",
    "group_unsubscribe": "unsubscribed",
}


@dataclass(slots=True)
class EditionStats:
    edition_id: int
    status: str
    queued: int = 0
    sending: int = 0
    accepted: int = 0
    failed: int = 0
    uncertain: int = 0
    skipped: int = 0
    delivered: int = 0
    bounced: int = 0
    complained: int = 0
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0
    # the provider's or our own error line → how many deliveries it failed
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def edition_stats(session: AsyncSession, edition_id: int, status: str) -> EditionStats:
    stats = EditionStats(edition_id, status)
    states = await session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.edition_id == edition_id)
        .group_by(Delivery.state)
    )
    for state, count in states.all():
        setattr(stats, DeliveryState(state).value, int(count))
    events = await session.execute(
        select(DeliveryEvent.event, func.count(distinct(DeliveryEvent.subscriber_id)))
        .where(DeliveryEvent.edition_id == edition_id)
        .group_by(DeliveryEvent.event)
    )
    for event, count in events.all():
        figure = EVENT_FIGURES.get(event)
        if figure:
            setattr(stats, figure, getattr(stats, figure) + int(count))
    errors = await session.execute(
        select(Delivery.last_error, func.count())
        .where(Delivery.edition_id == edition_id, Delivery.state == DeliveryState.failed)
        .group_by(Delivery.last_error)
        .order_by(func.count().desc())
        .limit(10)
    )
    stats.errors = {str(line): int(count) for line, count in errors.all()}
    return stats


async def state_totals(session: AsyncSession, edition_ids: Sequence[int]) -> dict[str, int]:
    """State → how many deliveries of these editions, all together, are in it."""
    rows = await session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.edition_id.in_(edition_ids))
        .group_by(Delivery.state)
    )
    return {DeliveryState(s).value: int(n) for s, n in rows.all()}


async def deliveries_opened(session: AsyncSession, edition_ids: Sequence[int]) -> int:
    """How many deliveries of these editions were opened (an `open` event)."""
    count = await session.scalar(
        select(func.count(distinct(DeliveryEvent.delivery_id))).where(
            DeliveryEvent.edition_id.in_(edition_ids), DeliveryEvent.event == "open"
        )
    )
    return int(count or 0)


async def add_events(session: AsyncSession, rows: Sequence[dict[str, object]]) -> set[str]:
    """Insert Event Webhook events, skipping those already stored (by `sg_event_id`); the ids
    of those inserted now. Safe against a concurrent delivery of the same events."""
    dialect = postgresql if _is_postgres(session) else sqlite
    statement = (
        dialect.insert(DeliveryEvent)
        .on_conflict_do_nothing(index_elements=["sg_event_id"])
        .returning(DeliveryEvent.sg_event_id)
    )
    inserted = await session.scalars(statement, list(rows))
    return set(inserted.all())


async def claimable_count(session: AsyncSession, edition_id: int) -> int:
    """How many deliveries of the edition are still to send (queued or uncertain)."""
    count = await session.scalar(
        select(func.count()).where(Delivery.edition_id == edition_id, CLAIMABLE_ROWS)
    )
    return int(count or 0)
