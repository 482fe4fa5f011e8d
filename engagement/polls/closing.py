"""Closing polls: at closing time, stop every Telegram poll we sent (`stopPoll`), within
Telegram's limits, once each.

Everything is derived from the database, so a restart loses nothing and repeats nothing:
- a poll is due when it is open and its `closes_at` passed; its unsent outbox rows are
  cancelled (nobody gets a poll after it closed);
- each sent message without `poll_messages.stopped_at` is stopped, and recorded (with the final
  counts Telegram returns) in its own commit; a stop that succeeded just before a crash is
  answered "poll has already been closed" next time and recorded then;
- a refused stop (the person blocked the bot, the message is gone) is recorded with its reason
  and never retried; 429 pauses the stopper and leaves the rest for the next run; network or
  server errors leave that message for the next run;
- the poll becomes `closed` once nothing is left to stop and no worker still holds a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.broadcast.limiter import Limits, RateLimiter
from bot.broadcast.sender import Clock, RealClock
from storage import poll_queries as q
from storage.engine import SessionFactory
from storage.polls import Poll

log = logging.getLogger(__name__)
# Below Telegram's 30/s: the outbox worker may be sending at the same time from another process.
STOP_LIMITS = Limits(per_second=20)
ALREADY_CLOSED = "poll has already been closed"


@dataclass
class ClosingReport:
    polls_closed: int = 0
    stopped: int = 0
    refused: int = 0  # Telegram refused the stop: recorded, not retried
    cancelled: int = 0  # queued messages never sent
    left: int = 0  # left for the next run (429, network, budget)


async def close_due_polls(
    sessions: SessionFactory,
    bot: Bot,
    *,
    now: datetime,
    limiter: RateLimiter | None = None,
    clock: Clock | None = None,
    budget: float | None = None,
) -> ClosingReport:
    """Stop the sent polls of every poll whose closing time passed; see the module doc."""
    limiter = limiter or RateLimiter(STOP_LIMITS)
    clock = clock or RealClock()
    deadline = None if budget is None else clock.now() + budget
    report = ClosingReport()
    async with sessions() as session:
        due = await q.due_polls(session, now)
    for poll in due:
        async with sessions() as session:
            report.cancelled += await q.cancel_unsent(session, poll)
            pending = await q.polls_to_stop(session, poll)
        for item in pending:
            if deadline is not None and clock.now() >= deadline:
                report.left += 1
                continue
            while (wait := limiter.wait(item.chat_id)) > 0:
                await clock.sleep(wait)
            limiter.try_acquire(item.chat_id)
            outcome = await _stop(bot, sessions, poll, item, limiter, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
        async with sessions() as session:
            if not await q.polls_to_stop(session, poll) and not await q.in_flight(session, poll):
                await q.mark_closed(session, poll.id, now)
                report.polls_closed += 1
    if due:
        log.info("polls: %s", report)
    return report


async def _stop(
    bot: Bot,
    sessions: SessionFactory,
    poll: Poll,
    item: q.ToStop,
    limiter: RateLimiter,
    now: datetime,
) -> str:
    """Stop one sent poll; returns the ClosingReport field it counts in."""
    sent = q.SentPoll(poll, item.broadcast_message_id, item.chat_id, item.language)
    counts: list[int] = []
    total, error = 0, None
    try:
        stopped = await bot.stop_poll(item.chat_id, item.message_id)
        counts = [o.voter_count for o in stopped.options]
        total = stopped.total_voter_count
    except TelegramRetryAfter as exc:
        limiter.pause(exc.retry_after)
        return "left"
    except (TelegramNetworkError, TelegramServerError) as exc:
        log.warning("polls: stopping message %s failed: %s", item.broadcast_message_id, exc)
        return "left"
    except (TelegramBadRequest, TelegramForbiddenError) as exc:
        error = exc.message
    except TelegramAPIError as exc:  # anything else Telegram refuses: do not loop on it
        error = exc.message
    async with sessions() as session:
        await q.save_tally(
            session,
            sent,
            voter_counts=counts,
            total_voters=total,
            now=now,
            stopped=True,
            stop_error=error,
        )
    if error is None or ALREADY_CLOSED in error:
        return "stopped"
    return "refused"
