"""What is open for a person now: the consultations they may answer, the cafés they may join,
the polls meant for them. Shown to whoever joins or comes back (/start, /help), so that a
representative verified after the invitations went out is not left waiting for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes import service as cafes
from engagement.consultations.response_access import may_answer
from engagement.polls.service import broadcast_payload, poll_key
from outbox import Recipient, audience_recipients, enqueue_broadcast
from storage import broadcasts_queries, cafes_queries, consultations_queries, polls_queries
from storage.broadcasts import BroadcastKind
from storage.cafes import Cafe
from storage.people import Person
from storage.polls import Poll

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
        for c in await consultations_queries.open_consultations(session)
        if await may_answer(session, c, person, now)
    ]
    upcoming = await cafes_queries.cafes_starting_after(session, now - LONGEST_CAFE)
    open_cafes = [
        cafe
        for cafe in upcoming
        if cafe.ends_at > now
        and await cafes.in_audience(session, cafe, person.id)
        and await cafes.seat_of(session, cafe.id, person.id) is None
    ]
    return OpenOffers(consultations, open_cafes, await _polls_for(session, person, now))


async def _polls_for(session: AsyncSession, person: Person, now: datetime) -> list[Poll]:
    polls = await polls_queries.open_polls(session, now)
    found = []
    for poll in polls:
        if poll.broadcast_id is None or await _sent(session, poll.broadcast_id, person):
            continue
        audience = {r.person_id for r in await audience_recipients(session, poll.audience)}
        if person.id not in audience:
            continue
        if poll.networks and person.id not in await polls_queries.people_in_networks(
            session, poll.networks
        ):
            continue
        found.append(poll)
    return found


async def _sent(session: AsyncSession, broadcast_id: int, person: Person) -> bool:
    assert person.telegram_id is not None  # open_for checked
    return await broadcasts_queries.has_message_to(session, broadcast_id, person.telegram_id)


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
