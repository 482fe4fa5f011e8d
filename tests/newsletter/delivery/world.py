"""Builders for delivery-engine tests: a series, an approved edition, confirmed subscribers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from newsletter.delivery.placeholders import Part, Slot, token
from storage.bulletins import Edition, EditionStatus, Series
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus

HTML = (
    f"<p>Hello {token(Slot.NAME, Part.HTML)}</p>"
    f'<a href="{token(Slot.UNSUBSCRIBE_URL, Part.HTML)}">Unsubscribe</a> '
    f'<a href="{token(Slot.PREFERENCES_URL, Part.HTML)}">Preferences</a>'
)
TEXT = (
    f"Hello {token(Slot.NAME, Part.TEXT)}\nUnsubscribe: {token(Slot.UNSUBSCRIBE_URL, Part.TEXT)}\n"
)


async def make_edition(
    sessions: SessionFactory,
    *,
    language: str = "en",
    networks: tuple[str, ...] = ("spain", "portugal"),
    status: EditionStatus = EditionStatus.approved,
    slug: str = "monthly",
) -> int:
    async with sessions() as session:
        series = Series(slug=slug, titles={"en": "Monthly"}, networks=list(networks))
        session.add(series)
        await session.flush()
        edition = Edition(
            series_id=series.id,
            language=language,
            period_start=datetime(2026, 11, 1, tzinfo=UTC),
            period_end=datetime(2026, 12, 1, tzinfo=UTC),
            status=status,
            subject="Educating Cities, November",
            html=HTML,
            text=TEXT,
        )
        session.add(edition)
        await session.commit()
        return edition.id


async def add_subscribers(
    sessions: SessionFactory,
    count: int,
    *,
    start: int = 0,
    language: str = "en",
    networks: tuple[str, ...] = ("spain",),
    status: SubscriberStatus = SubscriberStatus.confirmed,
    paused: bool = False,
    prefix: str = "reader",
) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "email": f"{prefix}{i}@example.org",
            "email_key": f"{prefix}{i}@example.org",
            "name": f"Reader {i}",
            "language": language,
            "networks": list(networks),
            "status": status,
            "paused": paused,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(start, start + count)
    ]
    async with sessions() as session:
        for chunk in range(0, len(rows), 5000):
            await session.execute(insert(Subscriber), rows[chunk : chunk + 5000])
        await session.commit()
