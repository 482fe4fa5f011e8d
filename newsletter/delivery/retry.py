"""What to do after a failed attempt to send a batch (pure: no I/O, no clock).

- 429 (`RateLimited`): wait what the provider says (capped), then send again; bounded too, so a
  provider stuck at 429 cannot hold a batch forever.
- 5xx and network errors (`TransientError`): exponential backoff with full jitter, at most
  `max_attempts` tries; then the batch fails and a new `aive bulletin send` resumes it.
- 400/413… (`PermanentError`): fail at once: the same request cannot succeed (no retry storm).
- lost answer (`DeliveryUncertain`): the rows become `uncertain` and are sent again; a row that
  keeps ending uncertain fails after `max_attempts` claims.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from newsletter.delivery.errors import (
    DeliveryError,
    DeliveryUncertain,
    PermanentError,
    RateLimited,
    TransientError,
)


class Action(enum.Enum):
    RETRY = "retry"  # sleep `delay`, send the same batch again
    FAIL = "fail"  # mark the batch failed (resumable by sending the edition again)
    UNCERTAIN = "uncertain"  # mark the batch uncertain: it is claimed and sent again


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_rate_limited: int = 20
    max_rate_limit_wait: float = 600.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff before try `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return rng.uniform(ceiling / 2, ceiling)

    def decide(
        self, error: DeliveryError, *, attempt: int, rate_limited: int, rng: random.Random
    ) -> Decision:
        """The next step after `error` on try number `attempt` (1-based), `rate_limited` 429s
        met so far for this batch."""
        if isinstance(error, RateLimited):
            if rate_limited >= self.max_rate_limited:
                return Decision(Action.FAIL)
            wait = min(max(error.retry_after, 0.0), self.max_rate_limit_wait)
            return Decision(Action.RETRY, wait)
        if isinstance(error, TransientError):
            if attempt >= self.max_attempts:
                return Decision(Action.FAIL)
            hint = error.retry_after
            delay = self.backoff(attempt, rng)
            return Decision(Action.RETRY, max(delay, hint or 0.0))
        if isinstance(error, DeliveryUncertain):
            return Decision(Action.UNCERTAIN)
        if isinstance(error, PermanentError):
            return Decision(Action.FAIL)
        return Decision(Action.FAIL)
