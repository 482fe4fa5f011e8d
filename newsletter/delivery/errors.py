"""What can go wrong when handing a batch to a mail backend.

The sender decides from the class alone what to do with the deliveries of a batch:

- `RateLimited` (a `TransientError`): wait `retry_after` seconds, then send the same batch again.
- `TransientError`: nothing was accepted (5xx, connection refused, timeout while connecting);
  retry with backoff.
- `PermanentError`: the provider refused the request (400/401/403/413…); retrying the same
  request cannot help. `InvalidBatch` is the same verdict reached before any request was made.
- `DeliveryUncertain`: the request was written and the answer was lost (read timeout,
  connection dropped after the write); the provider may have accepted it, so a blind retry may
  send the mail twice. Reconcile (Event Webhook `delivery_id`) or retry knowingly.

Messages are one line and never contain the API key.
"""

from __future__ import annotations

from datetime import datetime

from newsletter.errors import NewsletterError


class DeliveryError(NewsletterError):
    """Root of the delivery errors."""


class TransientError(DeliveryError):
    """Nothing was accepted; the same batch may be sent again later.

    `retry_after` is the provider's hint in seconds, or None: use your own backoff.
    Catch `RateLimited` before this class if you treat it differently.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(TransientError):
    """The provider said 429: wait `retry_after` seconds (the limit resets at `reset_at`)."""

    retry_after: float

    def __init__(
        self, message: str, *, retry_after: float, reset_at: datetime | None = None
    ) -> None:
        super().__init__(message, retry_after=retry_after)
        self.reset_at = reset_at


class PermanentError(DeliveryError):
    """The provider refused the request; sending it again unchanged cannot succeed.

    `status` is the HTTP status (None when refused before sending).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class InvalidBatch(PermanentError):
    """The batch breaks a provider limit or our own rules; no request was made."""


class DeliveryUncertain(DeliveryError):
    """The request was sent but its outcome is unknown: it may have been accepted."""
