"""A small in-process sliding-window rate limiter (per key, e.g. per client IP). Pure: the
caller passes the current time, so tests need no clock."""

from __future__ import annotations

from collections import deque


class SlidingWindowLimiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, now: float) -> bool:
        """Count a hit for `key` at `now`; False (and not counted) when over the limit."""
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self.prune(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until `key` may hit again (0 when it may now)."""
        hits = self._hits.get(key)
        if not hits or len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - now)

    def prune(self, now: float) -> None:
        """Forget keys with no hit inside the window (keeps memory bounded)."""
        stale = [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]
