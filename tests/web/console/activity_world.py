"""A month of activity in four cities for the networks and cities pages.

- Barcelona (spain): 6 items this month and 2 the month before, a consultation answered, a
  youth idea, one of its items featured in a sent bulletin: busy and rising.
- Lisboa (portugal): 1 item this month, 4 the month before, a poll vote: falling.
- Lyon (francophone, global): 2 items; its representative checked in at a café.
- Recife (brazil): a member city that did nothing, ever.
The other seeded networks have no city. "This month" is the last 30 days before `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus, Series
from storage.cafes import Cafe, CafeSeat, SeatState
from storage.consultations import Consultation, ConsultationResponse, ResponseStatus
from storage.engine import SessionFactory
from storage.feeds import Source
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from storage.polls import Poll, PollVote
from storage.seed import load_seed
from storage.youth import Theme, YouthSubmission
from tests.newsletter.bulletin_samples import make_item

# city: (country, networks, [days ago of each item])
CITIES = {
    "Barcelona": ("ES", ("spain",), [1, 2, 3, 4, 5, 6, 40, 45]),
    "Lisboa": ("PT", ("portugal",), [10, 35, 40, 45, 50]),
    "Lyon": ("FR", ("francophone", "global"), [8, 9]),
    "Recife": ("BR", ("brazil",), []),
}


@dataclass
class ActivityWorld:
    now: datetime
    cities: dict[str, int]
    featured_item: int


async def activity_world(sessions: SessionFactory, now: datetime | None = None) -> ActivityWorld:
    now = now or utcnow()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    async with sessions() as session:
        await load_seed(session)
        networks = {n.slug: n for n in await session.scalars(select(Network))}
        cities: dict[str, City] = {}
        items = []
        for name, (country, slugs, days) in CITIES.items():
            city = City(name=name, country=country, networks=[networks[s] for s in slugs])
            cities[name] = city
            source = Source(url=f"https://{name.lower()}.example.org/feed", title=name, city=city)
            for n, day in enumerate(days):
                key = f"{name.lower()}-{n}"
                items.append(make_item(key, source, language="en", hours_ago=day * 24, now=now))
            session.add_all([city, source])
        session.add_all(items)
        consultation = Consultation(
            slug="declaration",
            definition={},
            titles={"en": "Declaration 2026", "fr": "Déclaration 2026"},
            audience="city_representatives",
            one_response_per="city",
            opens_at=ago(20),
            closes_at=ago(-5),
        )
        session.add(consultation)
        await session.flush()
        session.add(
            ConsultationResponse(
                consultation_id=consultation.id,
                unit="city",
                city_id=cities["Barcelona"].id,
                language="es",
                status=ResponseStatus.submitted,
                submitted_at=ago(3),
            )
        )
        poll = Poll(
            slug="poll",
            question={"en": "Which theme?"},
            options=[{"id": "a", "text": {"en": "A"}}],
            languages=["en"],
            audience="everyone",
            closes_at=ago(-3),
        )
        session.add(poll)
        await session.flush()
        session.add(
            PollVote(
                poll_id=poll.id,
                city_id=cities["Lisboa"].id,
                language="pt",
                option_ids=["a"],
                answered_at=ago(12),
            )
        )
        session.add(
            YouthSubmission(
                title="A park for everyone",
                text="…",
                theme=Theme.participation,
                city_id=cities["Barcelona"].id,
                created_at=ago(2),
            )
        )
        marie = Person(display_name="Marie", language="fr")
        marie.roles.append(PersonRole(role=Role.city_representative, city_id=cities["Lyon"].id))
        cafe = Cafe(
            slug="cafe",
            titles={"en": "Learning cities café"},
            language="en",
            starts_at=ago(7),
            timezone="Europe/Madrid",
            duration_minutes=60,
            capacity=20,
            call_url="https://call.example.org",
            audience="everyone",
        )
        session.add_all([marie, cafe])
        await session.flush()
        session.add(
            CafeSeat(
                cafe_id=cafe.id,
                person_id=marie.id,
                state=SeatState.registered,
                checked_in_at=ago(7),
            )
        )
        series = await session.scalar(select(Series).where(Series.slug == "global"))
        assert series is not None
        featured = items[0].id
        session.add(
            Edition(
                series_id=series.id,
                language="en",
                period_start=ago(30),
                period_end=ago(1),
                status=EditionStatus.sent,
                content={"sections": [{"items": [featured]}]},
                sent_at=ago(1),
            )
        )
        await session.commit()
        return ActivityWorld(now, {n: c.id for n, c in cities.items()}, featured)
