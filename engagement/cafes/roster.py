"""Who is in a café, as staff see it: the registered, the waiting list (in order), those who
left, and who checked in; and the check-in staff record for someone (the console's button).

People check themselves in with the bot's Check-in button during the café (`service.check_in`);
staff may also mark someone present from shortly before the start, and afterwards (someone
who joined by phone, or whose button failed), so the report and the certificates are right.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes.service import CHECK_IN_EARLY, get_cafe
from storage import audit
from storage import cafes_queries as seats
from storage.cafes import Cafe, SeatState
from storage.cafes_queries import RosterRow


@dataclass(frozen=True)
class Roster:
    cafe: Cafe
    registered: list[RosterRow]
    waiting: list[RosterRow]  # next first
    left: list[RosterRow]

    @property
    def attended(self) -> list[RosterRow]:
        return [row for row in self.registered if row.checked_in_at is not None]


async def cafe_roster(session: AsyncSession, cafe_id: int) -> Roster:
    """The café's seats by state; NotFound when there is no such café."""
    cafe = await get_cafe(session, cafe_id)
    rows = await seats.roster(session, cafe_id)
    return Roster(
        cafe,
        [r for r in rows if r.state == SeatState.registered],
        [r for r in rows if r.state == SeatState.waiting],
        [r for r in rows if r.state == SeatState.left],
    )


class Marked(enum.StrEnum):
    done = "done"
    already = "already"
    too_early = "too_early"
    not_registered = "not_registered"


async def mark_checked_in(
    session: AsyncSession, cafe_id: int, person_id: int, *, actor: str, now: datetime
) -> Marked:
    """Staff record that a registered person attended (from 10 minutes before the start, and
    any time after); audited; commits. NotFound when there is no such café."""
    cafe = await get_cafe(session, cafe_id)
    seat = await seats.find_seat(session, cafe_id, person_id)
    if seat is None or seat.state != SeatState.registered:
        return Marked.not_registered
    if seat.checked_in_at is not None:
        return Marked.already
    if now < cafe.starts_at - CHECK_IN_EARLY:
        return Marked.too_early
    seat.checked_in_at = min(now, cafe.ends_at)
    audit.record(session, actor, "cafe.check_in", f"{cafe.slug} person:{person_id}")
    await session.commit()
    return Marked.done
