"""Telegram's flood limits as a pure, clock-injected limiter (no I/O, no sleeping).

Telegram counts messages in sliding windows: about 30 per second overall, 1 per second per
private chat, 20 per minute per group. A token bucket would allow a burst of 30 right after 30
others and earn a 429, so we keep the same kind of sliding window log as Telegram, with the
window stretched by `margin` so that network jitter between our clock and theirs does not push
a 31st message into their second. Group chats have negative ids (as in the Bot API).

Not aiolimiter: its leaky bucket sleeps on the event loop's clock; the sender needs sliding
windows per chat, a pause after 429, the busy chats to skip and an injected clock in tests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: int = 30
    group_per_minute: int = 20
    private_per_second: int = 1
    margin: float = 0.03  # windows are this fraction longer than Telegram's

    def __post_init__(self) -> None:
        if min(self.per_second, self.group_per_minute, self.private_per_second) < 1:
            raise ValueError("every limit must allow at least one message")
        if not 0 <= self.margin < 1:
            raise ValueError("margin must be in [0, 1)")


class _Window:
    """At most `limit` events in any `period` seconds."""

    __slots__ = ("events", "limit", "period")

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.events: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        while self.events and self.events[0] <= now - self.period:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.events[0] + self.period - now


class RateLimiter:
    """Decides, message by message, whether a chat may be written to now.

    `try_acquire(chat_id)` takes a slot and returns True, or returns False and takes nothing.
    `pause(seconds)` stops everything (after a 429), `wait()` says how long until the next
    global slot, `busy_chats()` names chats that must wait, so the caller skips them.
    """

    def __init__(self, limits: Limits = Limits(), now: Callable[[], float] | None = None) -> None:
        import time

        self.limits = limits
        self.now = now or time.monotonic
        stretch = 1 + limits.margin
        self._global = _Window(limits.per_second, 1.0 * stretch)
        self._chats: dict[int, _Window] = {}
        self._paused_until = 0.0

    def _chat(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            stretch = 1 + self.limits.margin
            if chat_id < 0:
                window = _Window(self.limits.group_per_minute, 60.0 * stretch)
            else:
                window = _Window(self.limits.private_per_second, 1.0 * stretch)
            self._chats[chat_id] = window
        return window

    def wait(self, chat_id: int | None = None) -> float:
        """Seconds until a message (to `chat_id`, if given) is allowed."""
        now = self.now()
        waits = [self._paused_until - now, self._global.wait(now)]
        if chat_id is not None:
            waits.append(self._chat(chat_id).wait(now))
        return max(0.0, *waits)

    def try_acquire(self, chat_id: int) -> bool:
        if self.wait(chat_id) > 0:
            return False
        now = self.now()
        self._global.events.append(now)
        self._chat(chat_id).events.append(now)
        return True

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (Telegram answered 429 with this retry_after)."""
        self._paused_until = max(self._paused_until, self.now() + seconds)

    def chat_wait(self) -> float:
        """Seconds until the first busy chat may take a message again (0 when none is busy)."""
        now = self.now()
        return min((w.wait(now) for w in self._chats.values() if w.wait(now) > 0), default=0.0)

    def busy_chats(self) -> list[int]:
        """Chats that cannot take a message now; forgets chats whose windows are empty."""
        now = self.now()
        busy = []
        for chat_id, window in list(self._chats.items()):
            if window.wait(now) > 0:
                busy.append(chat_id)
            elif not window.events:
                del self._chats[chat_id]
        return busy
