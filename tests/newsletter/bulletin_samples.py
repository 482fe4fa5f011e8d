"""Stored series, sources, cities and items for the bulletin service, archive, CLI and job tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulletins import Series
from storage.feeds import Item, ItemSource, Source
from storage.networks import City

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Madrid
TITLES = {"en": "Educating Cities Bulletin", "fr": "Bulletin des Villes éducatrices"}


@dataclass
class World:
    series: Series
    items: dict[str, Item] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)


def make_item(
    key: str,
    source: Source,
    *,
    language: str,
    hours_ago: float,
    categories: list[str] | None = None,
    event_in_days: int | None = None,
    now: datetime = NOW,
) -> Item:
    item = Item(
        url=f"https://news.example.org/{key}",
        guid=key,
        title=f"News {key}",
        summary_text=f"Summary of {key}.",
        summary_html=f"<p>Summary of {key}.</p>",
        published_at=now - timedelta(hours=hours_ago),
        language=language,
        categories=categories or [],
        content_hash=key,
        event_at=now + timedelta(days=event_in_days) if event_in_days is not None else None,
    )
    item.links.append(ItemSource(source=source, guid=key))
    return item


async def build_world(session: AsyncSession, now: datetime = NOW) -> World:
    """Series `global` (networks spain + francophone, languages en/fr) and sources in and out of
    those networks, with items in French, Spanish, English and an unknown language."""
    series = Series(
        slug="global",
        titles=TITLES,
        networks=["spain", "francophone"],
        languages=["en", "fr"],
        cadence="0 9 * * tue",
    )
    lyon = City(name="Lyon", country="FR")
    barcelona = City(name="Barcelona", country="ES")
    lisboa = City(name="Lisboa", country="PT")
    dakar = City(name="Dakar", country="SN")
    sources = {
        "lyon": Source(
            url="https://lyon.example.org/feed", title="Lyon", networks=["francophone"], city=lyon
        ),
        "bcn": Source(
            url="https://bcn.example.org/feed",
            title="Barcelona",
            networks=["spain"],
            city=barcelona,
            priority=1,
        ),
        "dakar": Source(
            url="https://dakar.example.org/feed",
            title="Dakar",
            networks=["francophone"],
            city=dakar,
        ),
        "lisboa": Source(
            url="https://lisboa.example.org/feed",
            title="Lisboa",
            networks=["portugal"],
            city=lisboa,
        ),
    }
    world = World(series=series, sources=sources)
    specs = [
        ("lyon-1", "lyon", "fr", 5, [], None),
        ("lyon-2", "lyon", "fr", 30, ["Maire"], None),
        ("dakar-1", "dakar", "fr", 50, ["événement"], 12),
        ("bcn-1", "bcn", "es", 10, [], None),
        ("bcn-2", "bcn", "en", 20, ["Youth"], None),
        ("lisboa-1", "lisboa", "pt", 3, [], None),  # not in the series' networks
        ("week-1", "bcn", "en", 24 * 8, [], None),  # the week before
        ("old-1", "lyon", "fr", 24 * 40, [], None),  # before any default period
    ]
    for key, source, language, hours, categories, event in specs:
        world.items[key] = make_item(
            key,
            sources[source],
            language=language,
            hours_ago=hours,
            categories=categories,
            event_in_days=event,
            now=now,
        )
    session.add_all([series, *sources.values(), *world.items.values()])
    await session.commit()
    return world
