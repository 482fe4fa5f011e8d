"""A small in-process sliding-window rate limiter (per key, e.g. per client address). Pure: the
caller passes the current time, so tests need no clock.

The table is bounded: keys are kept in the order of their last hit, so the stale ones are
at the front and forgetting them costs nothing per new key; when every key is still live
and the table is full, the least recently seen key is forgotten.
"""

from __future__ import annotations

from collections import OrderedDict, deque


class SlidingWindowLimiter:
    """At most `limit` hits per `window` seconds for each key, for at most `max_keys` keys."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit must be ≥ 1, window > 0 and max_keys ≥ 1")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hits)

    def hit(self, key: str, now: float) -> bool:
        """Count a hit for `key` at `now`; False (and not counted) when over the limit."""
        hits = self._hits.get(key)
        if hits is None:
            self.prune(now)
            if len(self._hits) >= self.max_keys:
                self._hits.popitem(last=False)  # the least recently seen visitor
            hits = self._hits[key] = deque()
        else:
            self._hits.move_to_end(key)
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
        """Forget keys with no hit inside the window; they sit at the front (oldest first)."""
        while self._hits:
            key, hits = next(iter(self._hits.items()))
            if hits and hits[-1] > now - self.window:
                break
            del self._hits[key]
