"""Reading and writing poll rows: which sent message a Telegram poll id is, votes, stop state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcasts import BroadcastMessage, MessageState
from storage.errors import NotFound
from storage.networks import Network, city_networks
from storage.people import PersonRole
from storage.polls import Poll, PollMessage, PollStatus, PollVote


async def get_poll(session: AsyncSession, poll_id: int) -> Poll:
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(f"no poll {poll_id}")
    return poll


async def poll_by_slug(session: AsyncSession, slug: str) -> Poll | None:
    return await session.scalar(select(Poll).where(Poll.slug == slug))


async def latest_polls(session: AsyncSession, limit: int = 10) -> list[Poll]:
    return list(await session.scalars(select(Poll).order_by(Poll.id.desc()).limit(limit)))


async def people_in_networks(session: AsyncSession, slugs: Sequence[str]) -> set[int]:
    """People holding a role for a city that belongs to one of the networks `slugs`."""
    query = (
        select(PersonRole.person_id)
        .join(city_networks, city_networks.c.city_id == PersonRole.city_id)
        .join(Network, Network.id == city_networks.c.network_id)
        .where(Network.slug.in_(list(slugs)))
    )
    return set(await session.scalars(query))


@dataclass(frozen=True)
class SentPoll:
    """One Telegram poll we sent: our poll, the outbox row, and the reader's language."""

    poll: Poll
    broadcast_message_id: int
    chat_id: int
    language: str


async def sent_poll(session: AsyncSession, telegram_poll_id: str) -> SentPoll | None:
    row = (
        await session.execute(
            select(Poll, BroadcastMessage.id, BroadcastMessage.chat_id, BroadcastMessage.language)
            .join(BroadcastMessage, BroadcastMessage.broadcast_id == Poll.broadcast_id)
            .where(BroadcastMessage.telegram_poll_id == telegram_poll_id)
        )
    ).first()
    return SentPoll(*row) if row is not None else None


async def save_vote(
    session: AsyncSession,
    poll_id: int,
    person_id: int,
    *,
    option_ids: list[str],
    city_id: int | None,
    language: str,
    now: datetime,
) -> None:
    """Store (or replace) a person's answer; an empty `option_ids` withdraws it. Commits."""
    for attempt in range(2):
        vote = await session.scalar(
            select(PollVote).where(PollVote.poll_id == poll_id, PollVote.person_id == person_id)
        )
        if not option_ids:
            if vote is not None:
                await session.delete(vote)
            await session.commit()
            return
        if vote is None:
            vote = PollVote(poll_id=poll_id, person_id=person_id)
            session.add(vote)
        vote.option_ids, vote.city_id, vote.language = option_ids, city_id, language
        vote.answered_at = now
        try:
            await session.commit()
            return
        except IntegrityError:  # the same person's concurrent answer inserted first: update it
            await session.rollback()
            if attempt:
                raise


async def save_tally(
    session: AsyncSession,
    sent: SentPoll,
    *,
    voter_counts: list[int],
    total_voters: int,
    now: datetime,
    stopped: bool = False,
    stop_error: str | None = None,
) -> None:
    """Record what Telegram reported of one sent poll (and, with `stopped`, that it is
    stopped). Commits."""
    row = await session.get(PollMessage, sent.broadcast_message_id)
    if row is None:
        row = PollMessage(broadcast_message_id=sent.broadcast_message_id, poll_id=sent.poll.id)
        session.add(row)
    if voter_counts:
        row.voter_counts, row.total_voters = voter_counts, total_voters
    row.updated_at = now
    if stopped and row.stopped_at is None:
        row.stopped_at, row.stop_error = now, stop_error
    await session.commit()


async def due_polls(session: AsyncSession, now: datetime) -> list[Poll]:
    query = select(Poll).where(Poll.status == PollStatus.open, Poll.closes_at <= now)
    return list(await session.scalars(query.order_by(Poll.closes_at, Poll.id)))


async def cancel_unsent(session: AsyncSession, poll: Poll) -> int:
    """Queued outbox rows of a poll that closed are never sent; returns how many. Commits."""
    if poll.broadcast_id is None:
        return 0
    result = await session.execute(
        update(BroadcastMessage)
        .where(
            BroadcastMessage.broadcast_id == poll.broadcast_id,
            BroadcastMessage.state == MessageState.queued,
        )
        .values(state=MessageState.cancelled, last_error="the poll closed before it was sent")
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ToStop:
    broadcast_message_id: int
    chat_id: int
    message_id: int
    language: str


async def polls_to_stop(session: AsyncSession, poll: Poll) -> list[ToStop]:
    """The sent Telegram polls of `poll` not stopped yet (derived from the database)."""
    if poll.broadcast_id is None:
        return []
    stopped = exists().where(
        PollMessage.broadcast_message_id == BroadcastMessage.id,
        PollMessage.stopped_at.is_not(None),
    )
    rows = await session.execute(
        select(
            BroadcastMessage.id,
            BroadcastMessage.chat_id,
            BroadcastMessage.telegram_message_id,
            BroadcastMessage.language,
        )
        .where(
            BroadcastMessage.broadcast_id == poll.broadcast_id,
            BroadcastMessage.state == MessageState.sent,
            BroadcastMessage.telegram_message_id.is_not(None),
            ~stopped,
        )
        .order_by(BroadcastMessage.id)
    )
    return [ToStop(i, c, m, lang) for i, c, m, lang in rows.all() if m is not None]


async def in_flight(session: AsyncSession, poll: Poll) -> int:
    """Outbox rows of the poll a worker may still send (queued or being sent)."""
    if poll.broadcast_id is None:
        return 0
    count = await session.scalar(
        select(func.count()).where(
            BroadcastMessage.broadcast_id == poll.broadcast_id,
            BroadcastMessage.state.in_([MessageState.queued, MessageState.sending]),
        )
    )
    return int(count or 0)


async def mark_closed(session: AsyncSession, poll_id: int, now: datetime) -> None:
    await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == PollStatus.open)
        .values(status=PollStatus.closed, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


@dataclass(frozen=True)
class PollCounts:
    """What results need to read, as plain rows."""

    votes: list[tuple[list[str], int | None, str]]  # option ids, city id, language
    tallies: list[tuple[str, list[int], int]]  # language, voter counts, total voters
    sent: int
    stopped: int


async def poll_counts(session: AsyncSession, poll: Poll) -> PollCounts:
    votes = await session.execute(
        select(PollVote.option_ids, PollVote.city_id, PollVote.language)
        .where(PollVote.poll_id == poll.id)
        .order_by(PollVote.id)
    )
    tallies = await session.execute(
        select(BroadcastMessage.language, PollMessage.voter_counts, PollMessage.total_voters)
        .join(BroadcastMessage, BroadcastMessage.id == PollMessage.broadcast_message_id)
        .where(PollMessage.poll_id == poll.id)
    )
    sent = await session.scalar(
        select(func.count()).where(
            BroadcastMessage.broadcast_id == poll.broadcast_id,
            BroadcastMessage.state == MessageState.sent,
        )
    )
    stopped = await session.scalar(
        select(func.count()).where(
            PollMessage.poll_id == poll.id, PollMessage.stopped_at.is_not(None)
        )
    )
    return PollCounts(
        votes=[(list(o), c, lang) for o, c, lang in votes.all()],
        tallies=[(lang, list(v), int(t)) for lang, v, t in tallies.all() if v],
        sent=int(sent or 0),
        stopped=int(stopped or 0),
    )


async def open_polls(session: AsyncSession, now: datetime) -> list[Poll]:
    """Polls open and not yet past their closing time, closing first."""
    polls = await session.scalars(
        select(Poll)
        .where(Poll.status == PollStatus.open, Poll.closes_at > now)
        .order_by(Poll.closes_at, Poll.id)
    )
    return list(polls.all())
