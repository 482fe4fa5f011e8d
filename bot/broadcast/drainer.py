"""The `aive worker` queue drainer for the chat outbox."""

from __future__ import annotations

from typing import Protocol

from pydantic import SecretStr

from bot.broadcast.limiter import Limits, RateLimiter
from bot.broadcast.sender import BroadcastSender, SenderStats, new_worker_id
from bot.session import make_bot
from storage.engine import SessionFactory
from telemetry.metrics import OUTBOX_MESSAGES

BUDGET_SECONDS = 5.0  # return to the worker loop this often so that it can stop promptly


class _Settings(Protocol):
    telegram_token: SecretStr | None
    telegram_api_url: str
    broadcast_per_second: int
    broadcast_group_per_minute: int


class _Context(Protocol):
    @property
    def settings(self) -> _Settings: ...

    @property
    def sessions(self) -> SessionFactory: ...


class BroadcastDrainer:
    """`await drainer(ctx)` sends for up to BUDGET_SECONDS and returns how many rows got an
    outcome (0: nothing to do, or no bot token). The limiter outlives each call, so the rate
    holds across calls; one drainer per process."""

    def __init__(self, budget: float = BUDGET_SECONDS) -> None:
        self.budget = budget
        self.worker = new_worker_id()
        self._limiter: RateLimiter | None = None

    def limiter(self, limits: Limits) -> RateLimiter:
        if self._limiter is None or self._limiter.limits != limits:
            self._limiter = RateLimiter(limits)
        return self._limiter

    async def __call__(self, ctx: _Context) -> int:
        settings = ctx.settings
        if settings.telegram_token is None:
            return 0
        limits = Limits(settings.broadcast_per_second, settings.broadcast_group_per_minute)
        bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
        sender = BroadcastSender(
            ctx.sessions, bot, limiter=self.limiter(limits), worker=self.worker
        )
        try:
            return await sender.drain(budget=self.budget)
        finally:
            count_outcomes(sender.stats)
            await bot.session.close()


def count_outcomes(stats: SenderStats) -> None:
    """Add what one drain did to `aive_outbox_messages_total`."""
    for outcome in ("sent", "blocked", "failed", "requeued"):
        if count := getattr(stats, outcome):
            OUTBOX_MESSAGES.labels(outcome).inc(count)


drain_broadcasts = BroadcastDrainer()
