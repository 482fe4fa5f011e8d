"""Checks a batch against SendGrid's documented limits before any request (pure).

Both backends apply them, so the file outbox in development refuses what SendGrid would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsletter.delivery.backend import (
    MAX_RECIPIENTS,
    OutgoingBatch,
    OutgoingRecipient,
    SkippedRecipient,
)
from newsletter.delivery.errors import InvalidBatch
from newsletter.delivery.mail_addresses import header_address
from newsletter.delivery.placeholders import Part, misplaced_tokens

MAX_CUSTOM_ARGS_BYTES = 10_000  # SendGrid: "less than 10,000 bytes"
MAX_SUBSTITUTIONS_BYTES = 10_000
MAX_CATEGORY_CHARS = 255
MAX_SEND_AHEAD = timedelta(hours=72)
MAX_BODY_BYTES = 30_000_000  # SendGrid: "less than 30MB"; the decimal reading is the safer one

DUPLICATE_ADDRESS = "duplicate address in batch"
BAD_ADDRESS = "malformed address or name"
UNSENDABLE_ADDRESS = "address with non-ASCII letters before the @ (needs SMTPUTF8)"


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What goes out: `recipients` and, in the same order, their placeholder values."""

    recipients: tuple[OutgoingRecipient, ...]
    skipped: tuple[SkippedRecipient, ...]
    substitutions: tuple[dict[str, str], ...] = ()


def custom_args_for(batch: OutgoingBatch, recipient: OutgoingRecipient) -> dict[str, str]:
    """The custom args echoed by the Event Webhook for this recipient (all strings)."""
    args = common_custom_args(batch)
    args["delivery_id"] = str(recipient.delivery_id)
    args["subscriber_id"] = str(recipient.subscriber_id)
    return args


def common_custom_args(batch: OutgoingBatch) -> dict[str, str]:
    """The custom args every recipient of the batch shares (`custom_args_for` adds the ids)."""
    args = {str(k): str(v) for k, v in batch.custom_args.items()}
    args["edition_id"] = str(batch.edition_id)
    return args


def plan_batch(batch: OutgoingBatch, now: datetime) -> BatchPlan:
    """Recipients to send and recipients to skip; raise InvalidBatch if nothing can be sent.

    Too many recipients is the caller's bug and refuses the whole batch (no splitting: one batch
    is one request and one message id). A repeated address (case-insensitive) keeps its first
    delivery and skips the others, so nobody gets the message twice. An address is sent in its
    header form (an internationalized domain in IDNA ASCII); one without an ASCII form is
    skipped alone (`UNSENDABLE_ADDRESS`). Linear in the number of
    recipients, with no per-recipient serialization (it runs for every batch).
    """
    if len(batch.recipients) > MAX_RECIPIENTS:
        raise InvalidBatch(
            f"{len(batch.recipients)} recipients in one batch; at most {MAX_RECIPIENTS}"
        )
    _check_message(batch, now)
    # the custom args differ only by two integers: their JSON size is the shared part's
    # (ids left empty) plus the digits, exactly what json.dumps of each recipient's would give
    args = common_custom_args(batch) | {"delivery_id": "", "subscriber_id": ""}
    args_bytes = len(json.dumps(args).encode())
    fallback = batch.name_fallback
    seen: set[str] = set()
    keep: list[OutgoingRecipient] = []
    pairs: list[dict[str, str]] = []
    skipped: list[SkippedRecipient] = []
    for recipient in batch.recipients:
        address = header_address(recipient.email)
        if not _plausible(recipient):
            skipped.append(SkippedRecipient(recipient.delivery_id, BAD_ADDRESS))
        elif address is None:
            skipped.append(SkippedRecipient(recipient.delivery_id, UNSENDABLE_ADDRESS))
        elif (key := address.lower()) in seen:
            skipped.append(SkippedRecipient(recipient.delivery_id, DUPLICATE_ADDRESS))
        else:
            seen.add(key)
            ids = len(str(recipient.delivery_id)) + len(str(recipient.subscriber_id))
            if args_bytes + ids >= MAX_CUSTOM_ARGS_BYTES:
                raise InvalidBatch(f"custom_args reach {MAX_CUSTOM_ARGS_BYTES} bytes")
            values = recipient.substitutions(fallback)
            if _utf8_size(values) > MAX_SUBSTITUTIONS_BYTES:
                raise InvalidBatch(
                    f"placeholder values of delivery {recipient.delivery_id} exceed "
                    f"{MAX_SUBSTITUTIONS_BYTES} bytes"
                )
            if address != recipient.email:
                recipient = replace(recipient, email=address)
            keep.append(recipient)
            pairs.append(values)
    return BatchPlan(tuple(keep), tuple(skipped), tuple(pairs))


def _check_message(batch: OutgoingBatch, now: datetime) -> None:
    if not batch.subject.strip():
        raise InvalidBatch("the subject is empty")
    if not batch.text.strip() or not batch.html.strip():
        raise InvalidBatch("both a text and an HTML part are required")
    for part, content in ((Part.TEXT, batch.subject), (Part.TEXT, batch.text)):
        if bad := misplaced_tokens(content, part):
            raise InvalidBatch(f"placeholder {bad[0]} does not belong in the text part")
    if bad := misplaced_tokens(batch.html, Part.HTML):
        raise InvalidBatch(f"placeholder {bad[0]} does not belong in the HTML part")
    if not batch.category or len(batch.category) > MAX_CATEGORY_CHARS:
        raise InvalidBatch(f"the category must have 1 to {MAX_CATEGORY_CHARS} characters")
    if batch.send_at is not None and batch.send_at - now > MAX_SEND_AHEAD:
        raise InvalidBatch("send_at is more than 72 hours ahead")


def _utf8_size(pairs: dict[str, str]) -> int:
    """Bytes of the keys and values in UTF-8 (SendGrid counts the substitutions so)."""
    size = 0
    for key, value in pairs.items():
        size += len(key) if key.isascii() else len(key.encode())
        size += len(value) if value.isascii() else len(value.encode())
    return size


def json_size_bound(chars: int, strings: int) -> int:
    """At least the JSON size in bytes of `strings` strings of `chars` characters in all, with
    keys, quotes, separators and brackets (nothing else). json.dumps writes at most 12 bytes per
    character (an astral one as two \\uXXXX escapes) and fewer than 8 around each string."""
    return 12 * chars + 8 * strings


def _plausible(recipient: OutgoingRecipient) -> bool:
    email = recipient.email.strip()
    local, at, domain = email.rpartition("@")
    return (
        bool(at and local and "." in domain)
        # str.split() cuts at exactly the characters str.isspace() reports
        and len(email.split()) == 1
        and not _has_line_break(email)
        and not _has_line_break(recipient.name or "")
        and not _has_line_break(recipient.list_unsubscribe_header)
    )


def _has_line_break(value: str) -> bool:
    return "\r" in value or "\n" in value
