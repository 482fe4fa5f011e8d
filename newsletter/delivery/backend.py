"""The boundary between the sender and a mail provider: one rendered message, many recipients.

The sender builds an `OutgoingBatch` (at most `MAX_RECIPIENTS` recipients, one address once)
and hands it to a `MailBackend`; the backend returns a `BatchResult` or raises one of
`newsletter.delivery.errors`. Backends: `SendGridBackend` (production) and `OutboxBackend`
(`.eml` files, the embedded default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from newsletter.delivery.placeholders import Slot, substitutions

MAX_RECIPIENTS = 1000
"""SendGrid's limit of personalizations (and of recipients) per request."""

ONE_CLICK = "List-Unsubscribe=One-Click"
"""The RFC 8058 `List-Unsubscribe-Post` value."""


@dataclass(frozen=True, slots=True)
class OutgoingRecipient:
    """One delivery: who gets the message and their placeholder values.

    `list_unsubscribe` is the whole `List-Unsubscribe` header value; by default
    `<unsubscribe_url>` (an HTTPS URL that takes the RFC 8058 one-click POST).
    """

    delivery_id: int
    subscriber_id: int
    email: str
    name: str | None
    unsubscribe_url: str
    preferences_url: str
    list_unsubscribe: str | None = None

    @property
    def list_unsubscribe_header(self) -> str:
        return self.list_unsubscribe or f"<{self.unsubscribe_url}>"

    def substitutions(self, name_fallback: str = "") -> dict[str, str]:
        """Placeholder token → value for this recipient (see `placeholders`)."""
        return substitutions(
            {
                Slot.NAME: self.name or name_fallback,
                Slot.UNSUBSCRIBE_URL: self.unsubscribe_url,
                Slot.PREFERENCES_URL: self.preferences_url,
            }
        )


@dataclass(frozen=True, slots=True)
class OutgoingBatch:
    """One rendered message (with placeholder tokens) for up to `MAX_RECIPIENTS` recipients.

    `mail_from` is an address with an optional display name (`AIVE <bulletin@example.org>`).
    `headers` and `custom_args` are common to every recipient; the backends add
    `edition_id`, `delivery_id` and `subscriber_id` to the custom args themselves.
    `send_at`, when given, must be at most 72 hours ahead (SendGrid's limit).
    """

    edition_id: int
    mail_from: str
    subject: str
    html: str
    text: str
    recipients: tuple[OutgoingRecipient, ...]
    category: str = "bulletin"
    headers: Mapping[str, str] = field(default_factory=dict)
    custom_args: Mapping[str, str] = field(default_factory=dict)
    name_fallback: str = ""
    send_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SkippedRecipient:
    delivery_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What the provider took.

    `message_id` is SendGrid's `X-Message-Id` (Event Webhook `sg_message_id` starts with it);
    None for the file outbox, whose files each carry their own Message-ID. `accepted` are the
    delivery ids handed over; `skipped` ones were left out (e.g. a repeated address) and must
    not be retried as they are.
    """

    message_id: str | None
    accepted: tuple[int, ...]
    skipped: tuple[SkippedRecipient, ...] = ()


class MailBackend(Protocol):
    """Hands one batch to a mail provider."""

    def prepare(self, batch: OutgoingBatch) -> None:
        """Do ahead the CPU work of a coming `send_batch(batch)` (the sender calls it while the
        previous batch is in flight); errors are left for `send_batch` to raise."""
        ...

    async def send_batch(self, batch: OutgoingBatch) -> BatchResult:
        """Send `batch`; raise a `DeliveryError` subclass when it was not (surely) taken."""
        ...

    async def close(self) -> None:
        """Release resources (threads, connections); idempotent."""
        ...
