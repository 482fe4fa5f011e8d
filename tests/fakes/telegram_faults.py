"""Failures the fake Telegram can inject: 429 flood waits, blocked users, rate limits.

`Faults.check(method, chat_id)` raises the ApiError Telegram would answer, or returns. The clock
is injectable so the rate limiter can be tested without sleeping.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakes.telegram_objects import ApiError

BLOCKED = "Forbidden: bot was blocked by the user"

# Calls that post a message into a chat, which is what Telegram's flood limits count.
_SENDING_PREFIXES = ("send", "copyMessage", "forwardMessage")
_SENDING_EXCEPTIONS = frozenset({"sendChatAction"})


def is_sending(method: str) -> bool:
    return method.startswith(_SENDING_PREFIXES) and method not in _SENDING_EXCEPTIONS


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


@dataclass
class RetryAfterRule:
    """Answer 429 to the next `times` calls matching `method` and `chat_id` (None: any)."""

    retry_after: int
    times: int
    method: str | None = None
    chat_id: int | str | None = None

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        return (
            self.times > 0
            and (self.method is None or self.method.lower() == method.lower())
            and (self.chat_id is None or self.chat_id == chat_id)
        )


class RateLimiter:
    """Telegram's broadcast limits: 30 messages/s overall, 1/s per private chat, 20/min per group.

    A group is any negative chat id. Only successful sends count against the limits.
    """

    OVERALL = (30, 1.0)
    PRIVATE = (1, 1.0)
    GROUP = (20, 60.0)

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._overall: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = defaultdict(deque)

    def check(self, chat_id: int | str | None) -> None:
        """Raise a 429 ApiError if a message to `chat_id` now would exceed a limit."""
        now = self.clock()
        waits = [_wait(self._overall, *self.OVERALL, now)]
        if chat_id is not None:
            limit = self.GROUP if _is_group(chat_id) else self.PRIVATE
            waits.append(_wait(self._per_chat[chat_id], *limit, now))
        if (wait := max(waits)) > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        self._overall.append(now)
        if chat_id is not None:
            self._per_chat[chat_id].append(now)


def _is_group(chat_id: int | str) -> bool:
    return isinstance(chat_id, str) or chat_id < 0


def _wait(window: deque[float], limit: int, period: float, now: float) -> float:
    """Seconds until one more event fits in `window` (0 when it fits now)."""
    while window and window[0] <= now - period:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[0] + period - now


@dataclass
class Faults:
    """The failures planned by a test, and how many 429s were answered."""

    retry_after_rules: list[RetryAfterRule] = field(default_factory=list)
    blocked_chats: set[int | str] = field(default_factory=set)
    rate_limiter: RateLimiter | None = None
    too_many_requests_count: int = 0

    def check(self, method: str, chat_id: int | str | None) -> None:
        if chat_id is not None and chat_id in self.blocked_chats:
            raise ApiError(403, BLOCKED)
        try:
            for rule in self.retry_after_rules:
                if rule.matches(method, chat_id):
                    rule.times -= 1
                    raise too_many_requests(rule.retry_after)
            if self.rate_limiter is not None and is_sending(method):
                self.rate_limiter.check(chat_id)
        except ApiError:
            self.too_many_requests_count += 1
            raise
