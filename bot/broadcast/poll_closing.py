"""Closing polls in chat: Telegram's `stopPoll` for each sent poll whose closing time passed,
within Telegram's limits (engagement.polls.closing decides what to stop and records it), and
the scheduled job that runs it (wired in app/jobs.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from pydantic import SecretStr

from bot.broadcast.limiter import Limits, RateLimiter
from bot.broadcast.sender import Clock, RealClock
from bot.session import make_bot
from engagement.polls import closing
from engagement.polls.closing import ClosingReport, Stop, StopOutcome
from storage.base import utcnow
from storage.engine import SessionFactory

log = logging.getLogger(__name__)
# Below Telegram's 30/s: the outbox worker may be sending at the same time from another process.
STOP_LIMITS = Limits(per_second=20)
BUDGET_SECONDS = 50.0  # the job runs every minute; what is left waits for the next run


class TelegramStopper:
    """`closing.Stopper` through aiogram: waits for the limiter, stops, sorts Telegram's answer."""

    def __init__(
        self, bot: Bot, limiter: RateLimiter, clock: Clock, budget: float | None = None
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self.clock = clock
        self.deadline = None if budget is None else clock.now() + budget

    def out_of_time(self) -> bool:
        return self.deadline is not None and self.clock.now() >= self.deadline

    async def stop(self, chat_id: int, message_id: int) -> Stop:
        while (wait := self.limiter.wait(chat_id)) > 0:
            await self.clock.sleep(wait)
        self.limiter.try_acquire(chat_id)
        try:
            stopped = await self.bot.stop_poll(chat_id, message_id)
        except TelegramRetryAfter as exc:
            self.limiter.pause(exc.retry_after)
            return Stop(StopOutcome.left)
        except (TelegramNetworkError, TelegramServerError) as exc:
            log.warning("polls: stopping message %s in %s failed: %s", message_id, chat_id, exc)
            return Stop(StopOutcome.left)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            return Stop(StopOutcome.refused, error=exc.message)
        except TelegramAPIError as exc:  # anything else Telegram refuses: do not loop on it
            return Stop(StopOutcome.refused, error=exc.message)
        counts = [o.voter_count for o in stopped.options]
        return Stop(StopOutcome.stopped, counts, stopped.total_voter_count)


async def close_due_polls(
    sessions: SessionFactory,
    bot: Bot,
    *,
    now: datetime,
    limiter: RateLimiter | None = None,
    clock: Clock | None = None,
    budget: float | None = None,
) -> ClosingReport:
    """Stop the sent polls of every poll whose closing time passed (engagement.polls.closing)."""
    clock = clock or RealClock()
    stopper = TelegramStopper(bot, limiter or RateLimiter(STOP_LIMITS), clock, budget)
    return await closing.close_due_polls(sessions, stopper, now=now)


class _Settings(Protocol):
    telegram_token: SecretStr | None
    telegram_api_url: str


class JobContext(Protocol):
    @property
    def settings(self) -> _Settings: ...
    @property
    def sessions(self) -> SessionFactory: ...


async def close_due_polls_job(ctx: JobContext) -> ClosingReport | None:
    """Restart-safe and idempotent: what was stopped is recorded (see engagement.polls.closing)."""
    token = ctx.settings.telegram_token
    if token is None:  # without a bot nothing was sent, and nothing can be stopped
        return None
    bot = make_bot(token.get_secret_value(), ctx.settings.telegram_api_url)
    try:
        return await close_due_polls(ctx.sessions, bot, now=utcnow(), budget=BUDGET_SECONDS)
    finally:
        await bot.session.close()
