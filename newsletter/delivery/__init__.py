"""Email delivery: the backend protocol, SendGrid and file-outbox backends, placeholders."""

from newsletter.delivery.backend import (
    MAX_RECIPIENTS,
    BatchResult,
    MailBackend,
    OutgoingBatch,
    OutgoingRecipient,
    SkippedRecipient,
)
from newsletter.delivery.errors import (
    DeliveryError,
    DeliveryUncertain,
    InvalidBatch,
    PermanentError,
    RateLimited,
    TransientError,
)

__all__ = [
    "MAX_RECIPIENTS",
    "BatchResult",
    "DeliveryError",
    "DeliveryUncertain",
    "InvalidBatch",
    "MailBackend",
    "OutgoingBatch",
    "OutgoingRecipient",
    "PermanentError",
    "RateLimited",
    "SkippedRecipient",
    "TransientError",
]
