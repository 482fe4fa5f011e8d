"""From claimed delivery rows to one `OutgoingBatch` (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

from newsletter.delivery.backend import OutgoingBatch, OutgoingRecipient


class Recipient(Protocol):
    @property
    def delivery_id(self) -> int: ...

    @property
    def subscriber_id(self) -> int: ...

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    @property
    def email_key(self) -> str: ...

    @property
    def name(self) -> str | None: ...


Links = Callable[[Recipient], tuple[str, str]]
"""(unsubscribe URL, preferences URL) of a recipient."""


@dataclass(frozen=True, slots=True)
class EditionMessage:
    """What every recipient of an edition gets, placeholders still unfilled."""

    edition_id: int
    mail_from: str
    subject: str
    html: str
    text: str
    series: str
    language: str
    category: str = "bulletin"
    name_fallback: str = ""

    @property
    def list_id(self) -> str:
        """The RFC 2919 `List-Id`: one list per series and language, in the sender's domain,
        so mail clients can file and filter it (`<global.pt.example.org>`)."""
        domain = parseaddr(self.mail_from)[1].rpartition("@")[2] or "localhost"
        return f"<{self.series}.{self.language}.{domain}>"


def build_batch(
    message: EditionMessage, recipients: Sequence[Recipient], links: Links
) -> OutgoingBatch:
    """One batch of `message` for `recipients`, each with their own links."""
    outgoing = []
    for r in recipients:
        unsubscribe, preferences = links(r)
        outgoing.append(
            OutgoingRecipient(
                delivery_id=r.delivery_id,
                subscriber_id=r.subscriber_id,
                email=r.email,
                name=r.name,
                unsubscribe_url=unsubscribe,
                preferences_url=preferences,
            )
        )
    return OutgoingBatch(
        edition_id=message.edition_id,
        mail_from=message.mail_from,
        subject=message.subject,
        html=message.html,
        text=message.text,
        recipients=tuple(outgoing),
        category=message.category,
        headers={"List-Id": message.list_id},
        custom_args={"series": message.series, "language": message.language},
        name_fallback=message.name_fallback,
    )
