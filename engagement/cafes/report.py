"""The café report (`aive cafes report ID`, `/cafes ID` in the bot): seats, attendance,
evaluation averages, participants' countries and networks, speakers' gender balance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes.service import get_cafe
from engagement.consultations import reports
from outbox.content import localized
from storage.cafes import CafeSeat, SeatState
from storage.networks import City, Network, city_networks
from storage.people import PersonRole

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Average:
    question: str
    text: str
    average: float
    answers: int


@dataclass(frozen=True)
class CafeReport:
    id: int
    slug: str
    title: str
    starts_at: datetime
    capacity: int
    registered: int
    waiting: int
    left: int
    attended: int
    attendance_rate: float  # % of the registered who checked in
    evaluation_id: int | None
    evaluations_submitted: int
    averages: list[Average] = field(default_factory=list)
    countries: dict[str, int] = field(default_factory=dict)  # of the registered participants
    networks: dict[str, int] = field(default_factory=dict)
    speakers: int = 0
    speaker_genders: dict[str, int] = field(default_factory=dict)
    speaker_countries: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["starts_at"] = self.starts_at.isoformat()
        return document


def tally(values: Iterable[str | None]) -> dict[str, int]:
    """Counts, most frequent first; a missing value counts as "not stated" (pure)."""
    counts = Counter(v if v else NOT_STATED for v in values)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def speaker_balance(speakers: Sequence[Mapping[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """Self-declared genders and countries of the speakers (pure)."""
    return tally(s.get("gender") for s in speakers), tally(s.get("country") for s in speakers)


async def cafe_report(session: AsyncSession, cafe_id: int, *, lang: str = "en") -> CafeReport:
    """NotFound when there is no such café."""
    cafe = await get_cafe(session, cafe_id)
    states = dict(
        (
            await session.execute(
                select(CafeSeat.state, func.count())
                .where(CafeSeat.cafe_id == cafe_id)
                .group_by(CafeSeat.state)
            )
        ).all()
    )
    attended = await session.scalar(
        select(func.count())
        .select_from(CafeSeat)
        .where(CafeSeat.cafe_id == cafe_id, CafeSeat.checked_in_at.is_not(None))
    )
    registered = int(states.get(SeatState.registered, 0))
    participants = select(CafeSeat.person_id).where(
        CafeSeat.cafe_id == cafe_id, CafeSeat.state == SeatState.registered
    )
    countries = await _per_person(
        session,
        select(PersonRole.person_id, City.country)
        .join(City, City.id == PersonRole.city_id)
        .where(PersonRole.person_id.in_(participants)),
        participants,
    )
    networks = await _per_person(
        session,
        select(PersonRole.person_id, Network.slug)
        .join(city_networks, city_networks.c.city_id == PersonRole.city_id)
        .join(Network, Network.id == city_networks.c.network_id)
        .where(PersonRole.person_id.in_(participants)),
        participants,
    )
    averages, submitted = [], 0
    if cafe.evaluation_id is not None:
        results = await reports.consultation_results(session, cafe.evaluation_id, lang=lang)
        submitted = results.submitted
        averages = [
            Average(q.id, q.text, q.average, q.answered)
            for q in results.questions
            if q.average is not None
        ]
    genders, speaker_countries = speaker_balance(cafe.speakers)
    return CafeReport(
        id=cafe.id,
        slug=cafe.slug,
        title=localized(cafe.titles, lang) or cafe.slug,
        starts_at=cafe.starts_at,
        capacity=cafe.capacity,
        registered=registered,
        waiting=int(states.get(SeatState.waiting, 0)),
        left=int(states.get(SeatState.left, 0)),
        attended=int(attended or 0),
        attendance_rate=round(100.0 * int(attended or 0) / registered, 1) if registered else 0.0,
        evaluation_id=cafe.evaluation_id,
        evaluations_submitted=submitted,
        averages=averages,
        countries=countries,
        networks=networks,
        speakers=len(cafe.speakers),
        speaker_genders=genders,
        speaker_countries=speaker_countries,
    )


async def _per_person(session: AsyncSession, pairs: Any, people: Any) -> dict[str, int]:
    """Each participant counted once per distinct value; those without one: "not stated"."""
    found: dict[int, set[str]] = {}
    for person_id, value in (await session.execute(pairs)).all():
        found.setdefault(person_id, set()).add(value)
    everyone = list(await session.scalars(people))
    values: list[str | None] = []
    for person_id in everyone:
        values.extend(sorted(found.get(person_id, set())) or [None])
    return tally(values)
