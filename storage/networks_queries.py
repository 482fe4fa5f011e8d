"""SQL for networks and cities."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.networks import City, Network


async def cities_by_name(session: AsyncSession) -> list[City]:
    """Every city, by name."""
    return list((await session.scalars(select(City).order_by(City.name))).all())


async def networks(session: AsyncSession) -> list[Network]:
    return list((await session.scalars(select(Network))).all())


async def network_slugs(session: AsyncSession) -> set[str]:
    return set((await session.scalars(select(Network.slug))).all())


async def cities_named(session: AsyncSession, name: str) -> list[City]:
    """Cities whose name is `name`, ignoring case."""
    return list(
        (await session.scalars(select(City).where(func.lower(City.name) == name.lower()))).all()
    )


async def city_named_in(session: AsyncSession, name: str, country: str) -> City | None:
    return await session.scalar(select(City).where(City.name == name, City.country == country))


async def cities_by_country(session: AsyncSession) -> list[City]:
    """Every city, by country then name."""
    return list((await session.scalars(select(City).order_by(City.country, City.name))).all())
