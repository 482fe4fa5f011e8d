"""File outbox backend: one `.eml` per recipient, the embedded default (`AIVE_OUTBOX_DIR`).

Each file is what SendGrid would have delivered: placeholders filled, multipart/alternative
text + HTML, both RFC 8058 headers. A file is named after its delivery id and written through
a temporary file and a rename, so a retry replaces it and a reader never sees half a message.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from newsletter.delivery.backend import (
    ONE_CLICK,
    BatchResult,
    OutgoingBatch,
    OutgoingRecipient,
    SkippedRecipient,
)
from newsletter.delivery.errors import TransientError
from newsletter.delivery.limits import BAD_ADDRESS, custom_args_for, plan_batch
from newsletter.delivery.placeholders import fill

# RFC 5322 allows 998-character lines; the default 78 makes Python encode a long unbreakable
# header such as List-Unsubscribe as an RFC 2047 word, which mail clients do not read as a URL
SMTP_998 = policy.SMTP.clone(max_line_length=998)
# bodies, though, in quoted-printable lines of at most 76 characters as RFC 2045 asks (spam
# filters count longer ones against us: SpamAssassin's MIME_QP_LONG_LINE)
_BODY_76 = policy.SMTP.clone(max_line_length=76)


def set_bodies(msg: EmailMessage, text: str, html: str) -> None:
    """Give `msg` its text and HTML alternatives, encoded in lines of at most 76 characters;
    its headers keep `msg`'s own policy."""
    headers_policy = msg.policy
    msg.policy = _BODY_76
    try:
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
    finally:
        msg.policy = headers_policy


def eml_name(delivery_id: int) -> str:
    """The file name of a delivery's message (stable, so a retry overwrites)."""
    return f"delivery-{delivery_id}.eml"


class OutboxBackend:
    """Writes each recipient's message into `directory` (created when missing)."""

    def __init__(self, directory: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.directory = Path(directory)
        self._clock = clock or (lambda: datetime.now(UTC))

    def prepare(self, batch: OutgoingBatch) -> None:
        """Nothing worth doing ahead: each file is rendered as it is written."""

    async def send_batch(self, batch: OutgoingBatch) -> BatchResult:
        """Write one file per recipient; raise InvalidBatch like SendGrid would refuse, or
        TransientError when the directory cannot be written. A recipient whose message cannot
        be written (a header the email package refuses) is skipped alone."""
        now = self._clock()
        plan = plan_batch(batch, now)
        messages: list[tuple[int, bytes]] = []
        skipped = list(plan.skipped)
        for recipient in plan.recipients:
            try:
                messages.append((recipient.delivery_id, render_message(batch, recipient, now)))
            except (ValueError, UnicodeError) as exc:  # a header the email package refuses
                reason = f"{BAD_ADDRESS}: {exc}"[:300]
                skipped.append(SkippedRecipient(recipient.delivery_id, reason))
        try:
            await asyncio.to_thread(self._write_all, messages)
        except OSError as exc:
            raise TransientError(f"cannot write to the outbox {self.directory}: {exc}") from None
        return BatchResult(None, tuple(d for d, _ in messages), tuple(skipped))

    async def close(self) -> None:
        """Nothing to release."""

    def _write_all(self, messages: list[tuple[int, bytes]]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for delivery_id, data in messages:
            write_eml(self.directory / eml_name(delivery_id), data)


def render_message(batch: OutgoingBatch, recipient: OutgoingRecipient, now: datetime) -> bytes:
    """The recipient's complete message as bytes (CRLF line ends), placeholders filled."""
    pairs = recipient.substitutions(batch.name_fallback)
    from_name, from_address = parseaddr(batch.mail_from)
    domain = from_address.rpartition("@")[2] or "localhost"
    msg = EmailMessage(policy=SMTP_998)
    msg["From"] = formataddr((from_name, from_address))
    msg["To"] = formataddr((recipient.name or "", recipient.email.strip()))
    msg["Subject"] = fill(batch.subject, pairs)
    msg["Date"] = format_datetime(batch.send_at or now)
    msg["Message-ID"] = f"<delivery-{recipient.delivery_id}.e{batch.edition_id}@{domain}>"
    msg["List-Unsubscribe"] = recipient.list_unsubscribe_header
    msg["List-Unsubscribe-Post"] = ONE_CLICK
    for key, value in batch.headers.items():
        msg[key] = value
    msg["X-AIVE-Category"] = batch.category
    for key, value in custom_args_for(batch, recipient).items():
        msg[f"X-AIVE-Arg-{key}"] = value
    set_bodies(msg, fill(batch.text, pairs), fill(batch.html, pairs))
    return msg.as_bytes()


def write_eml(path: Path, data: bytes) -> None:
    """Write a message file whole or not at all (a reader never sees half an `.eml`)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".eml")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
