"""GDPR for subscribers: export one person's data (art. 15/20), erase it (art. 17).

Erasing deletes the subscriber, their deliveries and provider events, and empties the details
of the audit rows about them; only a SHA-256 of the lower-cased address is kept, so that a later
import of an old list cannot add them back without a new consent (`erased_refusal`). When they
subscribe again themselves and confirm, the hash is dropped (`service.confirm`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.subscriptions.addresses import address_key
from storage import subscribers_queries as queries
from storage.audit import record
from storage.subscribers import Subscriber

EXPORT_FORMAT = "aive-subscriber-export/1"


class NotFound(LookupError):
    """No subscriber with that id."""


def address_hash(email: str) -> str:
    """What an erasure keeps of an address."""
    return hashlib.sha256(address_key(email).encode()).hexdigest()


def erased_refusal(erased_at: datetime) -> str:
    """Why an import refuses an erased address (one line, English like the other reasons)."""
    return (
        f"erased at the person's request on {erased_at.date().isoformat()}; only a new "
        "subscription by themselves (with its confirmation) can add them again"
    )


async def erased_addresses(session: AsyncSession, emails: Sequence[str]) -> dict[str, datetime]:
    """{address key: erased at} among `emails`."""
    by_hash = {address_hash(e): address_key(e) for e in emails}
    found = await queries.erased_among(session, list(by_hash))
    return {by_hash[h]: at for h, at in found.items()}


async def get_subscriber(session: AsyncSession, subscriber_id: int) -> Subscriber:
    subscriber = await session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound(f"no subscriber {subscriber_id}")
    return subscriber


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def export_person(
    session: AsyncSession, subscriber_id: int, actor: str, now: datetime
) -> dict[str, Any]:
    """Everything we hold about one subscriber, as a JSON-able document; the export itself
    is audited (the caller commits). Raises NotFound."""
    s = await get_subscriber(session, subscriber_id)
    subject = f"subscriber:{s.id}"
    history = await queries.subscriber_history(session, subject, limit=None)
    deliveries = await queries.subscriber_deliveries(session, s.id, limit=None)
    events = await queries.subscriber_events(session, s.id)
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "subscriber": {
            "id": s.id,
            "email": s.email,
            "name": s.name,
            "language": s.language,
            "networks": list(s.networks),
            "status": s.status.value,
            "status_reason": s.status_reason,
            "paused": s.paused,
            "consent_source": s.consent_source,
            "consented_at": _moment(s.consented_at),
            "confirmed_at": _moment(s.confirmed_at),
            "created_at": _moment(s.created_at),
            "updated_at": _moment(s.updated_at),
        },
        "history": [
            {"at": _moment(e.at), "by": e.actor, "action": e.action, "details": e.details}
            for e in history
        ],
        "deliveries": [
            {
                "edition": d.edition_id,
                "subject": d.subject,
                "language": d.language,
                "state": d.state,
                "accepted_at": _moment(d.accepted_at),
                "error": d.last_error,
            }
            for d in deliveries
        ],
        "events": [
            {
                "event": e.event,
                "edition": e.edition_id,
                "occurred_at": _moment(e.occurred_at),
                "reason": e.reason,
            }
            for e in events
        ],
    }
    record(session, actor, "subscribers.exported", subject)
    return document


async def erase_person(session: AsyncSession, subscriber_id: int, actor: str, now: datetime) -> str:
    """Erase one subscriber, keeping only the hash of the address; returns the hash.
    The audit row of the erasure names no address. The caller commits. Raises NotFound."""
    subscriber = await get_subscriber(session, subscriber_id)
    subject = f"subscriber:{subscriber.id}"
    digest = address_hash(subscriber.email)
    scrubbed = await queries.delete_subscriber_rows(session, subscriber, subject)
    await queries.keep_erased_hash(session, digest, now)
    record(session, actor, "subscribers.erased", subject, audit_rows_emptied=scrubbed)
    return digest
