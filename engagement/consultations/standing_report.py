"""Where a consultation stands, read once for the staff console: its results (the same counts
as `aive consultations results` and the bot's staff view), the response rate per country, the
units that have not answered and the free-text answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import reports, results, standing
from engagement.consultations.response_access import definition_of
from engagement.consultations.results import SubmittedRow
from engagement.consultations.schema import Definition
from storage import consultation_standing_queries as sq
from storage import consultations_queries as q
from storage.consultations import Consultation, InvitationKind


@dataclass(frozen=True)
class Standing:
    consultation: Consultation
    definition: Definition
    results: results.Results
    countries: list[standing.CountryRate]
    waiting: list[standing.Waiting]
    rows: Sequence[SubmittedRow]
    names: Mapping[int, str]  # unit id → the city's (or the person's) name

    @property
    def per_city(self) -> bool:
        return self.consultation.one_response_per == "city"

    def texts(self, lang: str) -> list[standing.TextAnswer]:
        """Every free-text answer, newest first (built when a page shows them)."""
        return standing.text_answers(self.definition, self.rows, self.names, lang)


async def consultation_standing(
    session: AsyncSession, consultation_id: int, *, lang: str = "en"
) -> Standing:
    """Read a consultation's responses and audience once and compute everything staff follow.
    Raises NotFound."""
    consultation = await q.get_consultation(session, consultation_id)
    definition = definition_of(consultation)
    per_city = consultation.one_response_per == "city"
    rows = [
        SubmittedRow(
            response_id=r.id,
            unit_id=r.city_id if per_city else r.person_id,
            language=r.language,
            submitted_at=r.submitted_at,
            answers=r.answers,
            channel=r.channel,
        )
        for r in await sq.submitted_lines(session, consultation_id)
    ]
    eligible = await reports.eligible_units(session, consultation)
    found = results.compute_results(definition, rows, eligible, lang)
    submitted = {r.unit_id for r in rows if r.unit_id is not None}
    units = sorted(set(eligible) | submitted)
    places = await sq.all_cities(session) if per_city else await sq.people(session, units)
    candidates = await reports.reminder_candidates(session, consultation, eligible)
    reminded = await q.invited_person_ids(session, consultation.id, InvitationKind.reminder)
    waiting = standing.waiting_units(
        eligible,
        {u: (p.name, p.country) for u, p in places.items()},
        submitted,
        await sq.units_in_progress(session, consultation.id),
        candidates,
        reminded,
    )
    countries = (
        standing.country_rates({u: places[u].country for u in eligible if u in places}, submitted)
        if per_city
        else []
    )
    names = {u: p.name for u, p in places.items()}
    return Standing(consultation, definition, found, countries, waiting, rows, names)
