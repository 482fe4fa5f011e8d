"""SQL for networks and cities."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.networks import City


async def cities_by_name(session: AsyncSession) -> list[City]:
    """Every city, by name."""
    return list((await session.scalars(select(City).order_by(City.name))).all())
