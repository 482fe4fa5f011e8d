"""Queries on email subscribers (models in storage/subscribers.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.subscribers import Subscriber, SubscriberStatus


async def subscribers_in_order(
    session: AsyncSession, status: SubscriberStatus | None = None
) -> list[Subscriber]:
    """Every subscriber (of `status`, when given), oldest first."""
    query = select(Subscriber).order_by(Subscriber.id)
    if status is not None:
        query = query.where(Subscriber.status == status)
    return list((await session.scalars(query)).all())
