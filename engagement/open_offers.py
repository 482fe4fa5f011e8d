"""What is open for a person now: the consultations they may answer, the cafés they may join,
the polls meant for them. Shown to whoever joins or comes back (/start, /help), so that a
representative verified after the invitations went out is not left waiting for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes import service as cafes
from engagement.consultations.response_access import may_answer
from engagement.polls.service import broadcast_payload, poll_key
from outbox import Recipient, audience_recipients, enqueue_broadcast
from storage import consultation_queries, poll_queries
from storage.broadcasts import BroadcastKind, BroadcastMessage
from storage.cafes import Cafe
from storage.people import Person
from storage.polls import Poll, PollStatus

LONGEST_CAFE = timedelta(days=1)  # cafés last hours: one that started earlier is over


@dataclass(frozen=True)
class OpenOffers:
    consultations: list[int]  # consultation ids, closing first
    cafes: list[Cafe]  # not over, the person has no seat yet, soonest first
    polls: list[Poll]  # open, not sent to this person yet


async def open_for(session: AsyncSession, person: Person, *, now: datetime) -> OpenOffers:
    """Every open consultation, café and poll meant for `person` (none for an inactive one)."""
    if not person.active or person.telegram_id is None:
        return OpenOffers([], [], [])
    consultations = [
        c.id
        for c in await consultation_queries.open_consultations(session)
        if await may_answer(session, c, person, now)
    ]
    upcoming = await session.scalars(
        select(Cafe).where(Cafe.starts_at > now - LONGEST_CAFE).order_by(Cafe.starts_at, Cafe.id)
    )
    open_cafes = [
        cafe
        for cafe in upcoming.all()
        if cafe.ends_at > now
        and await cafes.in_audience(session, cafe, person.id)
        and await cafes.seat_of(session, cafe.id, person.id) is None
    ]
    return OpenOffers(consultations, open_cafes, await _polls_for(session, person, now))


async def _polls_for(session: AsyncSession, person: Person, now: datetime) -> list[Poll]:
    polls = await session.scalars(
        select(Poll)
        .where(Poll.status == PollStatus.open, Poll.closes_at > now)
        .order_by(Poll.closes_at, Poll.id)
    )
    found = []
    for poll in polls.all():
        if poll.broadcast_id is None or await _sent(session, poll.broadcast_id, person):
            continue
        audience = {r.person_id for r in await audience_recipients(session, poll.audience)}
        if person.id not in audience:
            continue
        if poll.networks and person.id not in await poll_queries.people_in_networks(
            session, poll.networks
        ):
            continue
        found.append(poll)
    return found


async def _sent(session: AsyncSession, broadcast_id: int, person: Person) -> bool:
    row = await session.scalar(
        select(BroadcastMessage.id).where(
            BroadcastMessage.broadcast_id == broadcast_id,
            BroadcastMessage.chat_id == person.telegram_id,
        )
    )
    return row is not None


async def queue_polls(
    session: AsyncSession, person: Person, polls: list[Poll], *, language: str
) -> None:
    """Send these polls to the person through each poll's own broadcast, so that their answer
    is counted with everyone else's (the chat outbox sends it; commits)."""
    assert person.telegram_id is not None
    for poll in polls:
        await enqueue_broadcast(
            session,
            BroadcastKind.poll,
            broadcast_payload(poll),
            [Recipient(person.telegram_id, person.id, language)],
            key=poll_key(poll.id),
        )
