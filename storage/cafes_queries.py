"""SQL for cafés. Seats of a café, safe when many people press Join or Leave at once.

A seat is taken only by `UPDATE cafes SET seats_taken = seats_taken + 1 WHERE seats_taken <
capacity`: on PostgreSQL the second of two concurrent updates waits for the first one's row
lock, then re-checks the condition against the committed count; SQLite has one writer at a
time. Whoever's update touched no row goes to the waiting list. Then the cafés, their
audience, report figures and notice rows (one per café, person and kind). The caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cafes import Cafe, CafeNotice, CafeSeat, NoticeKind, SeatState
from storage.networks import City, Network, city_networks
from storage.people import Person, PersonRole, Role


@dataclass(frozen=True)
class SeatChange:
    """What a join or a leave did: the person's state before and after, and who moved up."""

    before: SeatState | None
    after: SeatState | None
    promoted: tuple[int, ...] = ()  # person ids taken off the waiting list


async def _claim_seat(session: AsyncSession, cafe_id: int) -> bool:
    taken = await session.execute(
        update(Cafe)
        .where(Cafe.id == cafe_id, Cafe.seats_taken < Cafe.capacity)
        .values(seats_taken=Cafe.seats_taken + 1)
        .returning(Cafe.id)
        .execution_options(synchronize_session=False)
    )
    return taken.first() is not None


async def _free_seat(session: AsyncSession, cafe_id: int) -> None:
    await session.execute(
        update(Cafe)
        .where(Cafe.id == cafe_id, Cafe.seats_taken > 0)
        .values(seats_taken=Cafe.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


async def find_seat(session: AsyncSession, cafe_id: int, person_id: int) -> CafeSeat | None:
    return await session.scalar(
        select(CafeSeat).where(CafeSeat.cafe_id == cafe_id, CafeSeat.person_id == person_id)
    )


async def take_seat(
    session: AsyncSession, cafe_id: int, person_id: int, *, now: datetime
) -> SeatChange:
    """Register the person, or put them at the end of the waiting list when the café is full.

    Someone already registered or waiting keeps their place. Two concurrent joins of the same
    person: one insert wins, the other raises IntegrityError (the caller rolls back, which
    also gives back the seat it claimed).
    """
    seat = await find_seat(session, cafe_id, person_id)
    before = seat.state if seat is not None else None
    if seat is not None and seat.state != SeatState.left:
        return SeatChange(before, before)
    state = SeatState.registered if await _claim_seat(session, cafe_id) else SeatState.waiting
    registered_at = now if state == SeatState.registered else None
    if seat is None:
        seat = CafeSeat(cafe_id=cafe_id, person_id=person_id, state=state, joined_at=now)
        session.add(seat)
    else:
        seat.state, seat.joined_at, seat.left_at = state, now, None
    seat.registered_at = registered_at
    await session.flush()
    return SeatChange(before, state)


async def release_seat(
    session: AsyncSession, cafe_id: int, person_id: int, *, now: datetime
) -> SeatChange:
    """The person leaves; a registered seat goes to the first on the waiting list."""
    seat = await find_seat(session, cafe_id, person_id)
    if seat is None or seat.state == SeatState.left:
        return SeatChange(seat.state if seat else None, seat.state if seat else None)
    before = seat.state
    seat.state, seat.left_at = SeatState.left, now
    await session.flush()
    if before != SeatState.registered:
        return SeatChange(before, SeatState.left)
    await _free_seat(session, cafe_id)
    return SeatChange(before, SeatState.left, await promote_waiting(session, cafe_id, now=now))


async def promote_waiting(session: AsyncSession, cafe_id: int, *, now: datetime) -> tuple[int, ...]:
    """Move people up from the waiting list, in order, while seats are free; their ids."""
    promoted: list[int] = []
    while True:
        query = (
            select(CafeSeat)
            .where(CafeSeat.cafe_id == cafe_id, CafeSeat.state == SeatState.waiting)
            .order_by(CafeSeat.joined_at, CafeSeat.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        first = await session.scalar(query)
        if first is None or not await _claim_seat(session, cafe_id):
            break
        first.state, first.registered_at = SeatState.registered, now
        await session.flush()
        promoted.append(first.person_id)
    return tuple(promoted)


async def waiting_position(session: AsyncSession, seat: CafeSeat) -> int:
    """1 for the first on the waiting list."""
    ahead = await session.scalar(
        select(func.count())
        .select_from(CafeSeat)
        .where(
            CafeSeat.cafe_id == seat.cafe_id,
            CafeSeat.state == SeatState.waiting,
            (CafeSeat.joined_at < seat.joined_at)
            | ((CafeSeat.joined_at == seat.joined_at) & (CafeSeat.id < seat.id)),
        )
    )
    return int(ahead or 0) + 1


async def people_in(session: AsyncSession, cafe_id: int, state: SeatState) -> list[int]:
    rows = await session.scalars(
        select(CafeSeat.person_id)
        .where(CafeSeat.cafe_id == cafe_id, CafeSeat.state == state)
        .order_by(CafeSeat.joined_at, CafeSeat.id)
    )
    return list(rows.all())


async def attendees(session: AsyncSession, cafe_id: int) -> list[int]:
    rows = await session.scalars(
        select(CafeSeat.person_id).where(
            CafeSeat.cafe_id == cafe_id, CafeSeat.checked_in_at.is_not(None)
        )
    )
    return sorted(rows.all())


async def cafe_by_slug(session: AsyncSession, slug: str) -> Cafe | None:
    return await session.scalar(select(Cafe).where(Cafe.slug == slug))


def _audience(role: Role | None, networks: Sequence[str]) -> Select[int]:
    query = select(Person.id).where(Person.active.is_(True), Person.telegram_id.is_not(None))
    if role is not None:
        query = query.where(
            Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role))
        )
    if networks:
        in_networks = (
            select(PersonRole.person_id)
            .join(city_networks, city_networks.c.city_id == PersonRole.city_id)
            .join(Network, Network.id == city_networks.c.network_id)
            .where(Network.slug.in_(networks))
        )
        query = query.where(Person.id.in_(in_networks))
    return query


async def audience_people(
    session: AsyncSession, role: Role | None, networks: Sequence[str]
) -> list[int]:
    """Active people with a chat holding `role` (anyone: None) in a city of one of `networks`
    (anywhere: empty), by id."""
    return list(await session.scalars(_audience(role, networks).order_by(Person.id)))


async def in_audience(
    session: AsyncSession, role: Role | None, networks: Sequence[str], person_id: int
) -> bool:
    """Whether the person is among `audience_people(role, networks)`."""
    query = _audience(role, networks).where(Person.id == person_id).limit(1)
    return await session.scalar(query) is not None


async def cafes_starting_between(
    session: AsyncSession, earliest: datetime, latest: datetime
) -> list[Cafe]:
    """Cafés starting from `earliest` to `latest` (both included), soonest first."""
    query = select(Cafe).where(Cafe.starts_at <= latest, Cafe.starts_at >= earliest)
    return list(await session.scalars(query.order_by(Cafe.starts_at, Cafe.id)))


async def cafes_starting_after(session: AsyncSession, after: datetime) -> list[Cafe]:
    """Cafés starting after `after`, soonest first."""
    query = select(Cafe).where(Cafe.starts_at > after).order_by(Cafe.starts_at, Cafe.id)
    return list(await session.scalars(query))


async def latest_cafes(session: AsyncSession, limit: int) -> list[Cafe]:
    return list(await session.scalars(select(Cafe).order_by(Cafe.starts_at.desc()).limit(limit)))


async def seat_counts(session: AsyncSession, cafe_id: int) -> dict[SeatState, int]:
    """How many seats of the café are in each state (states with none are left out)."""
    rows = await session.execute(
        select(CafeSeat.state, func.count())
        .where(CafeSeat.cafe_id == cafe_id)
        .group_by(CafeSeat.state)
    )
    return {SeatState(state): int(count) for state, count in rows.all()}


async def checked_in_count(session: AsyncSession, cafe_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(CafeSeat)
        .where(CafeSeat.cafe_id == cafe_id, CafeSeat.checked_in_at.is_not(None))
    )
    return int(count or 0)


def _registered(cafe_id: int) -> Select[int]:
    return select(CafeSeat.person_id).where(
        CafeSeat.cafe_id == cafe_id, CafeSeat.state == SeatState.registered
    )


async def _values_per_person(session: AsyncSession, pairs: Select[int, str]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for person_id, value in (await session.execute(pairs)).all():
        found.setdefault(person_id, set()).add(value)
    return found


async def registered_countries(session: AsyncSession, cafe_id: int) -> dict[int, set[str]]:
    """Per registered person with a city: the countries of the cities they represent."""
    pairs = (
        select(PersonRole.person_id, City.country)
        .join(City, City.id == PersonRole.city_id)
        .where(PersonRole.person_id.in_(_registered(cafe_id)))
    )
    return await _values_per_person(session, pairs)


async def registered_networks(session: AsyncSession, cafe_id: int) -> dict[int, set[str]]:
    """Per registered person with a city: the slugs of their cities' networks."""
    pairs = (
        select(PersonRole.person_id, Network.slug)
        .join(city_networks, city_networks.c.city_id == PersonRole.city_id)
        .join(Network, Network.id == city_networks.c.network_id)
        .where(PersonRole.person_id.in_(_registered(cafe_id)))
    )
    return await _values_per_person(session, pairs)


NOTICES = CafeNotice.metadata.tables[CafeNotice.__tablename__]
NOTICE_KEY = ["cafe_id", "person_id", "kind"]


def _notice_rows(
    session: AsyncSession, cafe: Cafe, kind: NoticeKind, person_ids: Iterable[int], now: datetime
) -> Any:
    """An INSERT of one notice row per person for the café's current start, in the session's
    dialect (its ON CONFLICT clause is the caller's); None when there is nobody."""
    rows = [
        {
            "cafe_id": cafe.id,
            "person_id": p,
            "kind": kind.value,
            "for_start": cafe.starts_at,
            "queued_at": now,
        }
        for p in dict.fromkeys(person_ids)
    ]
    if not rows:
        return None
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(NOTICES).values(rows)


async def new_notices(
    session: AsyncSession, cafe: Cafe, kind: NoticeKind, person_ids: Iterable[int], now: datetime
) -> list[int]:
    """Insert the notice rows that do not exist yet; the people who had none (no commit)."""
    insert = _notice_rows(session, cafe, kind, person_ids, now)
    if insert is None:
        return []
    statement = insert.on_conflict_do_nothing(index_elements=NOTICE_KEY).returning(
        NOTICES.c.person_id
    )
    return sorted((await session.execute(statement)).scalars().all())


async def new_moved_notices(
    session: AsyncSession, cafe: Cafe, person_ids: Iterable[int], now: datetime
) -> list[int]:
    """The people not yet told of the café's current start (an upsert on the notice row)."""
    upsert = _notice_rows(session, cafe, NoticeKind.moved, person_ids, now)
    if upsert is None:
        return []
    statement = upsert.on_conflict_do_update(
        index_elements=NOTICE_KEY,
        set_={"for_start": upsert.excluded.for_start, "queued_at": upsert.excluded.queued_at},
        where=NOTICES.c.for_start != upsert.excluded.for_start,
    ).returning(NOTICES.c.person_id)
    return sorted((await session.execute(statement)).scalars().all())


async def cafes_starting_within(
    session: AsyncSession, after: datetime, until: datetime, audiences: Sequence[str]
) -> list[Cafe]:
    """Cafés for one of `audiences` starting after `after` and by `until`, soonest first."""
    rows = await session.scalars(
        select(Cafe)
        .where(Cafe.starts_at > after, Cafe.starts_at <= until, Cafe.audience.in_(audiences))
        .order_by(Cafe.starts_at, Cafe.id)
    )
    return list(rows.all())


@dataclass(frozen=True)
class RosterRow:
    """A person's seat as staff see it (the console's registrations, waiting list, check-ins)."""

    person_id: int
    name: str
    language: str | None
    timezone: str | None
    email: str | None
    telegram_id: int | None
    state: SeatState
    joined_at: datetime
    registered_at: datetime | None
    checked_in_at: datetime | None


async def roster(session: AsyncSession, cafe_id: int) -> list[RosterRow]:
    """Every seat of the café with its person, in the order people joined."""
    rows = await session.execute(
        select(
            Person.id,
            Person.display_name,
            Person.language,
            Person.timezone,
            Person.email,
            Person.telegram_id,
            CafeSeat.state,
            CafeSeat.joined_at,
            CafeSeat.registered_at,
            CafeSeat.checked_in_at,
        )
        .join(Person, Person.id == CafeSeat.person_id)
        .where(CafeSeat.cafe_id == cafe_id)
        .order_by(CafeSeat.joined_at, CafeSeat.id)
    )
    return [
        RosterRow(pid, name, lang, tz, mail, chat, SeatState(state), joined, registered, came)
        for pid, name, lang, tz, mail, chat, state, joined, registered, came in rows.all()
    ]


async def cafes_in_month(session: AsyncSession, earliest: datetime, before: datetime) -> list[Cafe]:
    """Cafés starting from `earliest` (included) to `before` (excluded), soonest first."""
    query = select(Cafe).where(Cafe.starts_at >= earliest, Cafe.starts_at < before)
    return list(await session.scalars(query.order_by(Cafe.starts_at, Cafe.id)))
