"""Scheduled job of polls (wired in app/jobs.py): stop the polls whose closing time passed."""

from __future__ import annotations

from typing import Protocol

from pydantic import SecretStr

from bot.session import make_bot
from engagement.polls.closing import ClosingReport, close_due_polls
from storage.base import utcnow
from storage.engine import SessionFactory

BUDGET_SECONDS = 50.0  # the job runs every minute; what is left waits for the next run


class _Settings(Protocol):
    telegram_token: SecretStr | None
    telegram_api_url: str


class JobContext(Protocol):
    @property
    def settings(self) -> _Settings: ...
    @property
    def sessions(self) -> SessionFactory: ...


async def close_due_polls_job(ctx: JobContext) -> ClosingReport | None:
    """Restart-safe and idempotent: what was stopped is recorded (see polls.closing)."""
    token = ctx.settings.telegram_token
    if token is None:  # without a bot nothing was sent, and nothing can be stopped
        return None
    bot = make_bot(token.get_secret_value(), ctx.settings.telegram_api_url)
    try:
        return await close_due_polls(ctx.sessions, bot, now=utcnow(), budget=BUDGET_SECONDS)
    finally:
        await bot.session.close()
