"""The networks benchmark's database: two years of activity of 500 cities in the nine seeded
networks, inserted in bulk. Per month: about 12 feed items per network (from its cities' feeds
and its own), 5 bulletins sent (one per language) featuring 20 items each. Over the two years:
8 consultations answered by ~70 % of the cities, 48 cafés with ~2,900 check-ins of 700
representatives, 20 polls with ~4,000 votes, ~2,000 youth ideas. One network (asia-pacific)
has cities that never did anything."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from storage.bulletins import Edition, Series
from storage.cafes import Cafe, CafeSeat
from storage.consultations import Consultation, ConsultationResponse
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source
from storage.networks import City, Network, city_networks
from storage.people import Person, PersonRole
from storage.polls import Poll, PollVote
from storage.seed import load_seed
from storage.youth import YouthSubmission

NOW = datetime.now(UTC).replace(microsecond=0)
MONTHS = 24
DAY = timedelta(days=1)
LANGUAGES = ("en", "fr", "es", "pt", "ca")
CHUNK = 5000


@dataclass(frozen=True)
class ActivitySeeded:
    city_id: int  # a busy city, for its page


async def _bulk(sessions: SessionFactory, table: Any, rows: list[dict[str, Any]]) -> None:
    async with sessions() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(table), rows[start : start + CHUNK])
        await session.commit()


async def _ids(sessions: SessionFactory, column: Any) -> list[int]:
    async with sessions() as session:
        return list((await session.scalars(select(column).order_by(column))).all())


def _ago(rng: random.Random, months: float = MONTHS) -> datetime:
    return NOW - timedelta(seconds=rng.uniform(0, months * 30 * 86400))


async def seed_activity(
    sessions: SessionFactory, cities: int, rng: random.Random
) -> ActivitySeeded:
    async with sessions() as session:
        await load_seed(session)
        networks = dict((await session.execute(select(Network.slug, Network.id))).all())
        series_id = await session.scalar(select(Series.id).where(Series.slug == "global"))
    territorial = sorted(s for s in networks if s != "global")
    await _bulk(
        sessions,
        City.__table__,
        [{"name": f"City {i}", "country": "ES", "languages": []} for i in range(cities)],
    )
    city_ids = await _ids(sessions, City.id)
    home = {c: territorial[i % len(territorial)] for i, c in enumerate(city_ids)}
    memberships = [{"city_id": c, "network_id": networks[home[c]]} for c in city_ids]
    memberships += [{"city_id": c, "network_id": networks["global"]} for c in city_ids[::3]]
    await _bulk(sessions, city_networks, memberships)
    active = [c for c in city_ids if home[c] != "asia-pacific"]
    sources = [
        {"url": f"https://city{c}.example.org/feed", "networks": [home[c]], "city_id": c}
        for c in city_ids
    ]
    sources += [
        {"url": f"https://{s}.example.org/feed", "networks": [s], "city_id": None} for s in networks
    ]
    await _bulk(sessions, Source.__table__, sources)
    source_of = {}
    async with sessions() as session:
        for source_id, city_id, slugs in await session.execute(
            select(Source.id, Source.city_id, Source.networks)
        ):
            source_of[city_id if city_id is not None else slugs[0]] = source_id
    items, links = [], []
    for slug in networks:
        members = [c for c in active if home[c] == slug or (slug == "global" and c % 3 == 0)]
        for n in range(12 * MONTHS):
            key = f"{slug}-{n}"
            items.append(
                {
                    "url": f"https://news.example.org/{key}",
                    "guid": key,
                    "title": f"News {key}",
                    "published_at": _ago(rng),
                    "categories": [],
                    "language": LANGUAGES[n % 5],
                    "content_hash": key,
                }
            )
            origin = rng.choice(members) if members and n % 4 else slug
            links.append({"source_id": source_of[origin], "guid": key})
    await _bulk(sessions, Item.__table__, items)
    item_ids = await _ids(sessions, Item.id)
    for link, item_id in zip(links, item_ids, strict=True):
        link["item_id"] = item_id
    await _bulk(sessions, ItemSource.__table__, links)
    await _bulk(
        sessions,
        Edition.__table__,
        [
            {
                "series_id": series_id,
                "language": lang,
                "period_start": NOW - (m + 1) * 30 * DAY,
                "period_end": NOW - m * 30 * DAY,
                "status": "sent",
                "content": {"sections": [{"items": rng.sample(item_ids, min(20, len(item_ids)))}]},
                "sent_at": NOW - m * 30 * DAY,
            }
            for m in range(MONTHS)
            for lang in LANGUAGES
        ],
    )
    people = [{"display_name": f"Rep {i}", "language": "es"} for i in range(int(cities * 1.4))]
    await _bulk(sessions, Person.__table__, people)
    person_ids = await _ids(sessions, Person.id)
    await _bulk(
        sessions,
        PersonRole.__table__,
        [
            {"person_id": p, "role": "city_representative", "city_id": city_ids[i % cities]}
            for i, p in enumerate(person_ids)
        ],
    )
    reps = [p for i, p in enumerate(person_ids) if home[city_ids[i % cities]] != "asia-pacific"]
    await _engagement(sessions, rng, active, reps)
    return ActivitySeeded(city_id=active[0])


async def _engagement(
    sessions: SessionFactory, rng: random.Random, active: list[int], reps: list[int]
) -> None:
    common = {"audience": "city_representatives", "titles": {"en": "T"}}
    await _bulk(
        sessions,
        Consultation.__table__,
        [
            common
            | {
                "slug": f"c{n}",
                "definition": {},
                "one_response_per": "city",
                "opens_at": NOW - (n * 90 + 20) * DAY,
                "closes_at": NOW - n * 90 * DAY,
                "status": "closed",
            }
            for n in range(8)
        ],
    )
    responses = []
    for n, consultation_id in enumerate(await _ids(sessions, Consultation.id)):
        for c in rng.sample(active, int(len(active) * 0.7)):
            at = NOW - (n * 90 + rng.uniform(0, 20)) * DAY
            responses.append(
                {
                    "consultation_id": consultation_id,
                    "unit": "city",
                    "city_id": c,
                    "language": "es",
                    "status": "submitted",
                    "answers": {"q": "a"},
                    "started_at": at,
                    "updated_at": at,
                    "submitted_at": at,
                }
            )
    await _bulk(sessions, ConsultationResponse.__table__, responses)
    await _bulk(
        sessions,
        Cafe.__table__,
        [
            common
            | {
                "slug": f"cafe{n}",
                "language": "en",
                "starts_at": NOW - n * 15 * DAY,
                "timezone": "Europe/Madrid",
                "duration_minutes": 60,
                "capacity": 100,
                "call_url": "https://call.example.org",
            }
            for n in range(2 * MONTHS)
        ],
    )
    seats = []
    for n, cafe_id in enumerate(await _ids(sessions, Cafe.id)):
        for p in rng.sample(reps, min(60, len(reps))):
            at = NOW - n * 15 * DAY
            seats.append(
                {"cafe_id": cafe_id, "person_id": p, "state": "registered", "checked_in_at": at}
            )
    await _bulk(sessions, CafeSeat.__table__, seats)
    await _bulk(
        sessions,
        Poll.__table__,
        [
            {
                "slug": f"poll{n}",
                "question": {"en": "Q"},
                "options": [{"id": "a", "text": {"en": "A"}}],
                "languages": ["en"],
                "audience": "everyone",
                "closes_at": NOW - n * 36 * DAY,
                "status": "closed",
            }
            for n in range(20)
        ],
    )
    votes = []
    for n, poll_id in enumerate(await _ids(sessions, Poll.id)):
        for c in rng.sample(active, min(200, len(active))):
            at = NOW - (n * 36 + rng.uniform(0, 5)) * DAY
            votes.append(
                {
                    "poll_id": poll_id,
                    "city_id": c,
                    "language": "es",
                    "option_ids": ["a"],
                    "answered_at": at,
                }
            )
    await _bulk(sessions, PollVote.__table__, votes)
    await _bulk(
        sessions,
        YouthSubmission.__table__,
        [
            {
                "title": f"Idea {n}",
                "text": "…",
                "theme": "participation",
                "city_id": rng.choice(active),
                "status": "approved",
                "created_at": _ago(rng),
            }
            for n in range(2000)
        ],
    )
