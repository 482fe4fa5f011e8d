"""Storing member cities parsed from CSV (app.cities_csv does the validation)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.cities_csv import CityFile, parse_cities_csv
from storage import networks_queries
from storage.networks import City, Network


async def import_cities_text(session: AsyncSession, text: str) -> tuple[CityFile, int, int]:
    """Validate `text` and add or update its good rows; returns (parsed, added, updated).

    The caller commits.
    """
    networks = {n.slug: n for n in await networks_queries.networks(session)}
    parsed = parse_cities_csv(text, networks.keys())
    added, updated = await _store(session, parsed, networks)
    return parsed, added, updated


async def _store(
    session: AsyncSession, parsed: CityFile, networks: dict[str, Network]
) -> tuple[int, int]:
    added = updated = 0
    for row in parsed.rows:
        city = await networks_queries.city_named_in(session, row.name, row.country)
        if city is None:
            city = City(name=row.name, country=row.country, networks=[])
            session.add(city)
            added += 1
        else:
            updated += 1
        city.region = row.region
        city.languages = list(row.languages)
        city.networks = [networks[slug] for slug in row.networks]
    return added, updated
