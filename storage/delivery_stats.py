"""Numbers of one edition's sending: delivery states and Event Webhook outcomes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.deliveries import Delivery, DeliveryEvent, DeliveryState

# Event Webhook event → the stats figure it counts (distinct subscribers)
EVENT_FIGURES = {
    "delivered": "delivered",
    "bounce": "bounced",
    "dropped": "bounced",
    "spamreport": "complained",
    "open": "opened",
    "click": "clicked",
    "unsubscribe": "unsubscribed",
    "group_unsubscribe": "unsubscribed",
}


@dataclass(slots=True)
class EditionStats:
    edition_id: int
    status: str
    queued: int = 0
    sending: int = 0
    accepted: int = 0
    failed: int = 0
    uncertain: int = 0
    skipped: int = 0
    delivered: int = 0
    bounced: int = 0
    complained: int = 0
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0
    # the provider's or our own error line → how many deliveries it failed
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def edition_stats(session: AsyncSession, edition_id: int, status: str) -> EditionStats:
    stats = EditionStats(edition_id, status)
    states = await session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.edition_id == edition_id)
        .group_by(Delivery.state)
    )
    for state, count in states.all():
        setattr(stats, DeliveryState(state).value, int(count))
    events = await session.execute(
        select(DeliveryEvent.event, func.count(distinct(DeliveryEvent.subscriber_id)))
        .where(DeliveryEvent.edition_id == edition_id)
        .group_by(DeliveryEvent.event)
    )
    for event, count in events.all():
        figure = EVENT_FIGURES.get(event)
        if figure:
            setattr(stats, figure, getattr(stats, figure) + int(count))
    errors = await session.execute(
        select(Delivery.last_error, func.count())
        .where(Delivery.edition_id == edition_id, Delivery.state == DeliveryState.failed)
        .group_by(Delivery.last_error)
        .order_by(func.count().desc())
        .limit(10)
    )
    stats.errors = {str(line): int(count) for line, count in errors.all()}
    return stats
