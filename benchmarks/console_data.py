"""The console benchmark's database: 100,000 subscribers (with their `subscribers.added` audit
rows, as an import writes them), 5,000 items from 100 sources in 20 cities, 50 editions of the
`global` series (one draft composed for real, one sent with its deliveries and provider events,
the others in every state), inserted in bulk."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from newsletter.editions import service as bulletins
from storage.audit import AuditEvent
from storage.bulletins import Edition, EditionStatus, Series
from storage.deliveries import Delivery, DeliveryEvent, DeliveryState
from storage.engine import SessionFactory
from storage.feeds import Item, ItemSource, Source
from storage.networks import City, Network, city_networks
from storage.seed import load_seed
from storage.subscribers import Subscriber, SubscriberStatus

NOW = datetime.now(UTC).replace(microsecond=0)
LANGUAGES = ("en", "fr", "es", "pt", "ca")
COUNTRIES = ("ES", "PT", "FR", "BR", "AR", "MX", "KR", "SN", "IT", "CA")
NETWORKS = ("global", "spain", "portugal", "brazil", "francophone", "latin-america")
CHUNK = 5000


@dataclass(frozen=True)
class Seeded:
    draft_id: int
    sent_id: int
    subscriber_id: int  # one with deliveries
    search_hit: str  # a name part that finds one subscriber
    search_miss: str  # a text that finds none (the whole table is read)


async def _bulk(sessions: SessionFactory, table: Any, rows: list[dict[str, Any]]) -> None:
    async with sessions() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(table), rows[start : start + CHUNK])
        await session.commit()


async def seed(
    sessions: SessionFactory, subscribers: int, items: int, editions: int, rng: random.Random
) -> Seeded:
    async with sessions() as session:
        await load_seed(session)
        network_ids = dict((await session.execute(select(Network.slug, Network.id))).all())
        series = await session.scalar(select(Series).where(Series.slug == "global"))
        assert series is not None
        series_id = series.id
    await _bulk(
        sessions,
        City.__table__,
        [
            {"name": f"City {i}", "country": COUNTRIES[i % len(COUNTRIES)], "languages": []}
            for i in range(20)
        ],
    )
    async with sessions() as session:
        city_ids = list((await session.scalars(select(City.id).order_by(City.id))).all())
    await _bulk(
        sessions,
        city_networks,
        [
            {"city_id": c, "network_id": network_ids[NETWORKS[i % len(NETWORKS)]]}
            for i, c in enumerate(city_ids)
        ],
    )
    await _bulk(
        sessions,
        Source.__table__,
        [
            {
                "url": f"https://city{i % 20}.example.org/feed{i}",
                "title": f"City {i % 20} news {i}",
                "networks": [NETWORKS[i % len(NETWORKS)]],
                "city_id": city_ids[i % 20],
                "language": LANGUAGES[i % 5],
                "priority": 0,
                "status": "active",
                "failures": 1 if i % 17 == 0 else 0,
                "last_error": "HTTP 503" if i % 17 == 0 else None,
                "last_error_at": NOW - timedelta(hours=3) if i % 17 == 0 else None,
                "last_success_at": NOW - timedelta(minutes=i % 60),
                "next_fetch_at": NOW + timedelta(minutes=30 - i % 30),
                "created_at": NOW - timedelta(days=90),
            }
            for i in range(100)
        ],
    )
    async with sessions() as session:
        source_ids = list((await session.scalars(select(Source.id).order_by(Source.id))).all())
    await _bulk(
        sessions,
        Item.__table__,
        [
            {
                "url": f"https://city{i % 20}.example.org/news/{i}",
                "guid": f"g{i}",
                "title": f"News {i}: the city opens a new learning space",
                "summary_html": f"<p>Summary of news {i}.</p>",
                "summary_text": f"Summary of news {i}.",
                "published_at": NOW - timedelta(hours=i % (24 * 60)),
                "categories": [],
                "language": LANGUAGES[i % 5],
                "language_confidence": 0.9,
                "content_hash": f"h{i}",
                "fetched_at": NOW,
                "updated_at": NOW,
            }
            for i in range(items)
        ],
    )
    async with sessions() as session:
        item_ids = list((await session.scalars(select(Item.id).order_by(Item.id))).all())
    await _bulk(
        sessions,
        ItemSource.__table__,
        [
            {"item_id": item_id, "source_id": source_ids[n % 100], "guid": f"g{n}"}
            for n, item_id in enumerate(item_ids)
        ],
    )
    statuses = list(SubscriberStatus)
    weights = [5, 85, 6, 3, 1]
    await _bulk(
        sessions,
        Subscriber.__table__,
        [
            {
                "email": f"person{i}@example{i % 97}.org",
                "email_key": f"person{i}@example{i % 97}.org",
                "name": f"Person {rng.choice(('Ana', 'João', 'Léa', 'Marta', 'Yuna'))} {i}",
                "language": LANGUAGES[i % 5],
                "networks": [NETWORKS[i % len(NETWORKS)]],
                "status": rng.choices(statuses, weights)[0].value,
                "paused": i % 50 == 0,
                "consent_source": "import members.csv",
                "consented_at": NOW - timedelta(days=i % 700),
                "confirmed_at": NOW - timedelta(days=i % 700),
                "created_at": NOW - timedelta(days=i % 700),
                "updated_at": NOW,
            }
            for i in range(subscribers)
        ],
    )
    async with sessions() as session:
        subscriber_rows = (
            await session.execute(select(Subscriber.id, Subscriber.email).order_by(Subscriber.id))
        ).all()
    await _bulk(
        sessions,
        AuditEvent.__table__,
        [
            {
                "at": NOW - timedelta(days=1),
                "actor": "cli",
                "action": "subscribers.added",
                "subject": f"subscriber:{sid}",
                "details": {"email": email, "status": "confirmed"},
            }
            for sid, email in subscriber_rows
        ],
    )
    # editions: one real draft for this month, one sent, the rest in every state
    async with sessions() as session:
        draft = await bulletins.compose_draft(
            session,
            "global",
            "es",
            NOW,
            config=bulletins.BulletinConfig(public_url="https://bulletin.example.org"),
        )
        draft_id = draft.id
        html, text, content = draft.html, draft.text, draft.content
    states = [s for s in EditionStatus if s is not EditionStatus.draft]
    rows = []
    for n in range(editions - 1):
        start = NOW - timedelta(days=31 * (n + 1))
        rows.append(
            {
                "series_id": series_id,
                "language": LANGUAGES[n % 5],
                "period_start": start,
                "period_end": start + timedelta(days=31),
                "status": (EditionStatus.sent if n == 0 else states[n % len(states)]).value,
                "subject": f"Bulletin {n}",
                "preheader": "",
                "content": content,
                "html": html,
                "text": text,
                "created_at": start,
                "updated_at": start,
            }
        )
    await _bulk(sessions, Edition.__table__, rows)
    async with sessions() as session:
        sent_id = await session.scalar(
            select(Edition.id).where(Edition.subject == "Bulletin 0", Edition.language == "en")
        )
        assert sent_id is not None
    readers = [(sid, email) for sid, email in subscriber_rows if sid % 5 == 1][:30000]
    await _bulk(
        sessions,
        Delivery.__table__,
        [
            {
                "edition_id": sent_id,
                "subscriber_id": sid,
                "email": email,
                "state": DeliveryState.accepted.value,
                "attempts": 1,
                "accepted_at": NOW - timedelta(days=20),
                "updated_at": NOW - timedelta(days=20),
            }
            for sid, email in readers
        ],
    )
    events = ("delivered", "open", "click", "bounce", "unsubscribe")
    await _bulk(
        sessions,
        DeliveryEvent.__table__,
        [
            {
                "sg_event_id": f"ev{n}",
                "event": events[0] if n % 3 else events[n % 5],
                "edition_id": sent_id,
                "subscriber_id": sid,
                "email": email,
                "received_at": NOW - timedelta(days=19),
            }
            for n, (sid, email) in enumerate(readers)
        ],
    )
    return Seeded(
        draft_id=draft_id,
        sent_id=sent_id,
        subscriber_id=readers[0][0],
        search_hit=f"person{subscribers // 2}@",
        search_miss="nobody-at-all",
    )
