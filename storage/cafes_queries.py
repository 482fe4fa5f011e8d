"""Seats of a café, safe when many people press Join or Leave at once.

A seat is taken only by `UPDATE cafes SET seats_taken = seats_taken + 1 WHERE seats_taken <
capacity`: on PostgreSQL the second of two concurrent updates waits for the first one's row
lock, then re-checks the condition against the committed count; SQLite has one writer at a
time. Whoever's update touched no row goes to the waiting list. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cafes import Cafe, CafeSeat, SeatState


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
