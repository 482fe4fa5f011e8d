"""Sending one transactional email (the confirmation): a tiny protocol and its backends.

`OutboxMailer` writes `.eml` files (the embedded default, `AIVE_OUTBOX_DIR`); `MemoryMailer`
keeps messages in a list (tests). Production adapts the delivery backends (see `app/web.py`).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol

from newsletter.delivery.mail_addresses import header_address
from newsletter.delivery.outbox_backend import SMTP_998, set_bodies, write_eml
from newsletter.errors import NewsletterError


class MailerError(NewsletterError):
    """The message was not sent; `str()` says why in one line."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a transactional email (e.g. a café's certificate of attendance)."""

    filename: str
    content_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class TransactionalMessage:
    to: str
    to_name: str | None
    subject: str
    text: str
    html: str
    category: str = "confirmation"
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class Mailer(Protocol):
    async def send(self, message: TransactionalMessage) -> None:
        """Send `message` now; raise MailerError when it was not taken."""
        ...


def wire_address(message: TransactionalMessage) -> str:
    """The recipient as headers and providers take it (IDNA domain); MailerError when the
    address has no ASCII form (refused at subscription, but older rows may hold one)."""
    address = header_address(message.to)
    if address is None:
        raise MailerError("the address has non-ASCII letters before the @ (needs SMTPUTF8)")
    return address


def to_email_message(message: TransactionalMessage, mail_from: str) -> EmailMessage:
    """A complete multipart/alternative message (text, then HTML)."""
    from_name, from_address = parseaddr(mail_from)
    domain = from_address.rpartition("@")[2] or "localhost"
    msg = EmailMessage(policy=SMTP_998)
    msg["From"] = formataddr((from_name, from_address))
    msg["To"] = formataddr((message.to_name or "", wire_address(message)))
    msg["Subject"] = message.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(message.category, domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-AIVE-Category"] = message.category
    for key, value in message.headers.items():
        msg[key] = value
    set_bodies(msg, message.text, message.html)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return msg


class OutboxMailer:
    """Writes each message as `<category>-<time>-<random>.eml` in `directory`."""

    def __init__(self, directory: Path, mail_from: str) -> None:
        self.directory = Path(directory)
        self.mail_from = mail_from

    async def send(self, message: TransactionalMessage) -> None:
        data = to_email_message(message, self.mail_from).as_bytes()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{message.category}-{stamp}-{secrets.token_hex(4)}.eml"
        try:
            await asyncio.to_thread(self._write, self.directory / name, data)
        except OSError as exc:
            raise MailerError(f"cannot write to the outbox {self.directory}: {exc}") from None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_eml(path, data)


class MemoryMailer:
    """Keeps sent messages in `sent`; `fail` makes the next sends raise MailerError."""

    def __init__(self) -> None:
        self.sent: list[TransactionalMessage] = []
        self.fail = False

    async def send(self, message: TransactionalMessage) -> None:
        if self.fail:
            raise MailerError("the test mailer is set to fail")
        self.sent.append(message)
