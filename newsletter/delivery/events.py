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

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import record
from storage.deliveries import DeliveryEvent
from storage.subscribers import Subscriber, SubscriberStatus

SUPPRESSING = {
    "bounce": SubscriberStatus.bounced,
    "dropped": SubscriberStatus.bounced,
    "spamreport": SubscriberStatus.complained,
    "unsubscribe": SubscriberStatus.unsubscribed,
    "group_unsubscribe": SubscriberStatus.unsubscribed,
}
STILL_SUBSCRIBED = (SubscriberStatus.pending, SubscriberStatus.confirmed)


class EventError(ValueError):
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

    The caller commits. Safe against a concurrent delivery of the same events.
    """
    new = 0
    for event in events:
        values = {
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
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(DeliveryEvent)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["sg_event_id"])
            .returning(DeliveryEvent.id)
        )
        if (await session.execute(statement)).first() is None:
            continue  # seen before
        new += 1
        status = event.suppresses
        if status is not None:
            await _suppress(session, event, status, now)
    return new


async def _suppress(
    session: AsyncSession, event: Event, status: SubscriberStatus, now: datetime
) -> None:
    if event.subscriber_id is not None:
        who = Subscriber.id == event.subscriber_id
    elif event.email:
        who = Subscriber.email_key == event.email.strip().lower()
    else:
        return
    subscriber_id = await session.scalar(
        update(Subscriber)
        .where(who, Subscriber.status.in_(STILL_SUBSCRIBED))
        .values(status=status, status_reason=event.reason or event.event, updated_at=now)
        .returning(Subscriber.id)
    )
    if subscriber_id is not None:
        record(
            session,
            "sendgrid",
            f"subscriber.{status.value}",
            f"subscriber:{subscriber_id}",
            event=event.event,
            reason=event.reason,
            edition_id=event.edition_id,
        )


__all__ = ["Event", "EventError", "parse_events", "record_events"]
