"""Closing polls, the domain side: at closing time, what to stop and what it came to.

Everything is derived from the database, so a restart loses nothing and repeats nothing:
- a poll is due when it is open and its `closes_at` passed; its unsent outbox rows are
  cancelled (nobody gets a poll after it closed);
- each sent message without `poll_messages.stopped_at` is stopped by the `Stopper` (the chat
  face: bot.broadcast.poll_closing calls Telegram's `stopPoll` within its limits), and recorded
  (with the final counts) in its own commit; a stop that succeeded just before a crash is
  answered "poll has already been closed" next time and recorded then;
- a refused stop (the person blocked the bot, the message is gone) is recorded with its reason
  and never retried; what the stopper leaves (429, network, out of time) waits for the next run;
- the poll becomes `closed` once nothing is left to stop and no worker still holds a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from storage import polls_queries as q
from storage.engine import SessionFactory
from storage.polls import Poll

log = logging.getLogger(__name__)
ALREADY_CLOSED = "poll has already been closed"


class StopOutcome(StrEnum):
    stopped = "stopped"
    refused = "refused"  # the chat refused the stop: recorded, not retried
    left = "left"  # not done now (429, network, out of time): the next run tries again


@dataclass(frozen=True)
class Stop:
    """What stopping one sent poll gave: its final counts, or why it was refused."""

    outcome: StopOutcome
    voter_counts: list[int] = field(default_factory=list)
    total_voters: int = 0
    error: str | None = None


class Stopper(Protocol):
    """Stops the sent polls (in chat); decides how fast, and for how long."""

    def out_of_time(self) -> bool: ...

    async def stop(self, chat_id: int, message_id: int) -> Stop: ...


@dataclass
class ClosingReport:
    polls_closed: int = 0
    stopped: int = 0
    refused: int = 0  # the stop was refused: recorded, not retried
    cancelled: int = 0  # queued messages never sent
    left: int = 0  # left for the next run (429, network, budget)


async def close_due_polls(
    sessions: SessionFactory, stopper: Stopper, *, now: datetime
) -> ClosingReport:
    """Stop the sent polls of every poll whose closing time passed; see the module doc."""
    report = ClosingReport()
    async with sessions() as session:
        due = await q.due_polls(session, now)
    for poll in due:
        async with sessions() as session:
            report.cancelled += await q.cancel_unsent(session, poll)
            pending = await q.polls_to_stop(session, poll)
        for item in pending:
            outcome = StopOutcome.left
            if not stopper.out_of_time():
                outcome = await _stop(sessions, stopper, poll, item, now)
            setattr(report, outcome.value, getattr(report, outcome.value) + 1)
        async with sessions() as session:
            if not await q.polls_to_stop(session, poll) and not await q.in_flight(session, poll):
                await q.mark_closed(session, poll.id, now)
                report.polls_closed += 1
    if due:
        log.info("polls: %s", report)
    return report


async def _stop(
    sessions: SessionFactory, stopper: Stopper, poll: Poll, item: q.ToStop, now: datetime
) -> StopOutcome:
    """Stop one sent poll and record it; the outcome it counts as."""
    done = await stopper.stop(item.chat_id, item.message_id)
    if done.outcome is StopOutcome.left:
        return done.outcome
    sent = q.SentPoll(poll, item.broadcast_message_id, item.chat_id, item.language)
    async with sessions() as session:
        await q.save_tally(
            session,
            sent,
            voter_counts=done.voter_counts,
            total_voters=done.total_voters,
            now=now,
            stopped=True,
            stop_error=done.error,
        )
    if done.error is None or ALREADY_CLOSED in done.error:
        return StopOutcome.stopped
    return StopOutcome.refused
