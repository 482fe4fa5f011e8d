"""SendGrid Event Webhook events: what each means for us (pure), and recording them.

Events are deduplicated on `sg_event_id` (SendGrid repeats them). bounce, dropped, spamreport,
unsubscribe and group_unsubscribe suppress the subscriber with the reason; a `blocked` bounce
(a temporary refusal by the receiving server) is counted but does not suppress.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.errors import NewsletterError
from storage import deliveries_queries, subscribers_queries
from storage.audit import record_many
from storage.subscribers import SubscriberStatus

SUPPRESSING = {
    "bounce": SubscriberStatus.bounced,
    "dropped": SubscriberStatus.bounced,
    "spamreport": SubscriberStatus.complained,
    "unsubscribe": SubscriberStatus.unsubscribed,
    "group_unsubscribe": SubscriberStatus.unsubscribed,
}
STILL_SUBSCRIBED = (SubscriberStatus.pending, SubscriberStatus.confirmed)
CHUNK = 1000  # subscribers per UPDATE: well under SQLite's and asyncpg's parameter limits


class EventError(NewsletterError, ValueError):
    """The webhook body is not a list of SendGrid events."""


@dataclass(frozen=True, slots=True)
class Event:
    sg_event_id: str
    event: str
    email: str | None
    edition_id: int | None
    subscriber_id: int | None
    delivery_id: int | None
    reason: str | None
    occurred_at: datetime | None

    @property
    def suppresses(self) -> SubscriberStatus | None:
        if self.event == "bounce" and (self.reason or "").startswith("blocked"):
            return None
        return SUPPRESSING.get(self.event)


def parse_events(payload: Any) -> list[Event]:
    """Our view of a webhook body (a JSON array); events without `sg_event_id` are ignored."""
    if not isinstance(payload, list):
        raise EventError("the body must be a JSON array of events")
    events = []
    for raw in payload:
        if not isinstance(raw, Mapping) or not raw.get("sg_event_id") or not raw.get("event"):
            continue
        events.append(
            Event(
                sg_event_id=str(raw["sg_event_id"])[:100],
                event=str(raw["event"])[:32],
                email=str(raw["email"])[:320] if raw.get("email") else None,
                edition_id=_int(raw.get("edition_id")),
                subscriber_id=_int(raw.get("subscriber_id")),
                delivery_id=_int(raw.get("delivery_id")),
                reason=_reason(raw),
                occurred_at=_time(raw.get("timestamp")),
            )
        )
    return events


def _int(value: object) -> int | None:
    """A row id we may have issued (1 to 2**63 - 1); anything else is no id of ours."""
    with contextlib.suppress(TypeError, ValueError):
        number = int(str(value))
        return number if 0 < number < 2**63 else None
    return None


def _time(value: object) -> datetime | None:
    with contextlib.suppress(TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(int(str(value)), UTC)
    return None


def _reason(raw: Mapping[str, Any]) -> str | None:
    parts = [str(raw[k]) for k in ("type", "reason", "status") if raw.get(k)]
    if raw.get("event") in ("unsubscribe", "group_unsubscribe", "spamreport"):
        parts.insert(0, str(raw["event"]))
    return ": ".join(parts)[:500] or None


async def record_events(session: AsyncSession, events: Sequence[Event], now: datetime) -> int:
    """Store new events and suppress subscribers; return how many events were new.

    Events go in with one statement executed for many rows (SQLAlchemy sends them in batches),
    not one per event. The caller commits. Safe against a concurrent delivery of the same events.
    """
    unique = list({event.sg_event_id: event for event in reversed(events)}.values())[::-1]
    if not unique:
        return 0
    new_ids = await deliveries_queries.add_events(session, [_row(event, now) for event in unique])
    await _suppress_all(session, [e for e in unique if e.sg_event_id in new_ids], now)
    return len(new_ids)


def _row(event: Event, now: datetime) -> dict[str, object]:
    return {
        "sg_event_id": event.sg_event_id,
        "event": event.event,
        "edition_id": event.edition_id,
        "subscriber_id": event.subscriber_id,
        "delivery_id": event.delivery_id,
        "email": event.email,
        "reason": event.reason,
        "occurred_at": event.occurred_at,
        "received_at": now,
    }


async def _suppress_all(session: AsyncSession, events: Sequence[Event], now: datetime) -> None:
    """Suppress the subscribers `events` name, one UPDATE per kind of event and chunk of
    subscribers (not one per event); each subscriber suppressed gets its audit record."""
    groups: dict[tuple[SubscriberStatus, str, str | None, int | None], list[Event]] = {}
    for event in events:
        status = event.suppresses
        if status is not None:
            key = (status, event.event, event.reason, event.edition_id)
            groups.setdefault(key, []).append(event)
    for (status, kind, reason, edition_id), members in groups.items():
        ids = sorted({e.subscriber_id for e in members if e.subscriber_id is not None})
        keys = sorted(
            {e.email.strip().lower() for e in members if e.subscriber_id is None and e.email}
        )
        matches: list[tuple[list[int], list[str]]] = [
            (ids[i : i + CHUNK], []) for i in range(0, len(ids), CHUNK)
        ]
        matches += [([], keys[i : i + CHUNK]) for i in range(0, len(keys), CHUNK)]
        for by_id, by_key in matches:
            suppressed = await subscribers_queries.suppress(
                session,
                ids=by_id,
                email_keys=by_key,
                still=STILL_SUBSCRIBED,
                status=status,
                reason=reason or kind,
                now=now,
            )
            details = {"event": kind, "reason": reason, "edition_id": edition_id}
            await record_many(
                session,
                "sendgrid",
                f"subscriber.{status.value}",
                [(f"subscriber:{i}", details) for i in suppressed],
            )


__all__ = ["Event", "EventError", "parse_events", "record_events"]
