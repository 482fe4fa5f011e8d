"""Per-user flood control: a token bucket per user, with one polite warning per flood.

Not aiolimiter (nor an aiogram utility: aiogram 3 ships no throttling): we need a decision now
(allow / warn once / drop) per user, on an injected clock, where aiolimiter waits on the loop's."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    allow = "allow"
    warn = "warn"  # the first update over the limit: tell the user once
    drop = "drop"  # the rest of the flood: ignore silently


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodGuard:
    """`burst` updates at once, then one every `interval` seconds, per user."""

    MAX_USERS = 10_000

    def __init__(
        self, burst: int, interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if burst < 1 or interval <= 0:
            raise ValueError("burst must be >= 1 and interval > 0")
        self.burst = burst
        self.interval = interval
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.MAX_USERS:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) / self.interval)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.allow
        if bucket.warned:
            return Verdict.drop
        bucket.warned = True
        return Verdict.warn

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst * self.interval
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < full_after}
