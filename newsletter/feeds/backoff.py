"""When to try a source again: exponential backoff with a cap and jitter (pure)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

DEFAULT_INTERVAL = timedelta(minutes=30)
DEFAULT_CAP = timedelta(hours=24)
DEFAULT_JITTER = 0.1


def next_attempt(
    failures: int,
    now: datetime,
    base: timedelta = DEFAULT_INTERVAL,
    *,
    cap: timedelta = DEFAULT_CAP,
    jitter: float = DEFAULT_JITTER,
    rand: Callable[[], float] = random.random,
) -> datetime:
    """The next fetch time of a source after `failures` consecutive failures (0: healthy).

    The delay is `base * 2**failures`, at most `cap`, then spread by ±`jitter` (a fraction)
    so sources that failed together do not all retry in the same second. `rand` returns a
    float in [0, 1) (inject a fixed one in tests).
    """
    if base <= timedelta(0):
        raise ValueError("base interval must be positive")
    if not 0 <= jitter < 1:
        raise ValueError("jitter must be a fraction in [0, 1)")
    failures = max(0, failures)
    # Stop doubling once past the cap: 2**failures would overflow timedelta for large counts.
    delay = base
    for _ in range(failures):
        if delay >= cap:
            break
        delay *= 2
    delay = min(delay, max(cap, base))
    spread = 1 + jitter * (2 * rand() - 1)
    return now + delay * spread
