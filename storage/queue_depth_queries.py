"""How much work waits in the queues, by state: read when `/metrics` is scraped.

Only what is in flight is counted (editions being sent, broadcasts queued or sending), so a
scrape stays cheap however long the history grows.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcasts import Broadcast, BroadcastMessage, MessageState
from storage.broadcasts_queries import LIVE
from storage.bulletins import Edition, EditionStatus
from storage.deliveries import Delivery, DeliveryState


async def deliveries_by_state(session: AsyncSession) -> dict[str, int]:
    """Deliveries of the editions being sent, per state (every state present, 0 when none)."""
    query = (
        select(Delivery.state, func.count())
        .join(Edition, Edition.id == Delivery.edition_id)
        .where(Edition.status == EditionStatus.sending)
        .group_by(Delivery.state)
    )
    counts = {state.value: 0 for state in DeliveryState}
    for state, count in (await session.execute(query)).all():
        counts[DeliveryState(state).value] = count
    return counts


async def outbox_by_state(session: AsyncSession) -> dict[str, int]:
    """Chat outbox messages of the broadcasts queued or sending, per state."""
    query = (
        select(BroadcastMessage.state, func.count())
        .join(Broadcast, Broadcast.id == BroadcastMessage.broadcast_id)
        .where(Broadcast.status.in_(LIVE))
        .group_by(BroadcastMessage.state)
    )
    counts = {state.value: 0 for state in MessageState}
    for state, count in (await session.execute(query)).all():
        counts[MessageState(state).value] = count
    return counts
