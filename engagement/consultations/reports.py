"""Results, export and reminders: read rows through storage, decide with the pure modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import export, reminders, results
from engagement.consultations.response_access import definition_of
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import Consultation, ConsultationResponse, InvitationKind
from storage.people import Role

_AUDIENCE_ROLE = {"city_representatives": Role.city_representative, "youth": Role.youth}


async def eligible_units(session: AsyncSession, consultation: Consultation) -> dict[int, list[str]]:
    """Eligible cities (per-city) or people (per-person), each with its network slugs.

    Per city: every member city in the consultation's networks (all when none are named).
    Per person: active people holding the audience's role (everyone: all active people;
    invited: the people invited one by one, e.g. a café's attendees).
    """
    cities = await q.network_slugs_by_city(session)

    def in_scope(slugs: list[str]) -> bool:
        return not consultation.networks or bool(set(slugs) & set(consultation.networks))

    if consultation.one_response_per == "city":
        return {c: slugs for c, slugs in cities.items() if in_scope(slugs)}
    if consultation.audience == "invited":  # people invited one by one: no role, no network
        invited = await q.invited_person_ids(session, consultation.id, InvitationKind.invite)
        return {p: [] for p in sorted(invited)}
    role = _AUDIENCE_ROLE.get(consultation.audience)
    people: dict[int, list[str]] = {}
    if role is None:
        people = {p: [] for p in await q.active_people_ids(session)}
    for holder in await q.role_holders(session, role or Role.city_representative):
        slugs = cities.get(holder.city_id, []) if holder.city_id is not None else []
        people.setdefault(holder.person_id, []).extend(slugs)
    return {p: slugs for p, slugs in people.items() if in_scope(slugs) or not slugs}


async def consultation_results(
    session: AsyncSession, consultation_id: int, *, lang: str = "en", latest: int = 5
) -> results.Results:
    consultation = await q.get_consultation(session, consultation_id)
    rows = [
        results.SubmittedRow(
            response_id=r.id,
            unit_id=r.city_id if r.unit == "city" else r.person_id,
            language=r.language,
            submitted_at=r.submitted_at or r.updated_at,
            answers=r.answers,
            channel=r.channel,
        )
        for r in await q.submitted_responses(session, consultation_id)
    ]
    eligible = await eligible_units(session, consultation)
    return results.compute_results(definition_of(consultation), rows, eligible, lang, latest)


async def export_table(session: AsyncSession, consultation_id: int) -> list[list[str]]:
    """The export CSV's header and rows (submitted responses only, oldest first)."""
    consultation = await q.get_consultation(session, consultation_id)
    rows = [
        export.ExportRow(
            response_id=r.id,
            city=city.name if city else "",
            country=city.country if city else "",
            language=r.language,
            submitted_at=r.submitted_at or r.updated_at,
            answers=r.answers,
            channel=r.channel,
        )
        for r, city in await q.export_rows(session, consultation_id)
    ]
    return export.table(definition_of(consultation), rows)


async def reminder_candidates(
    session: AsyncSession,
    consultation: Consultation,
    eligible: Mapping[int, Sequence[str]] | None = None,
) -> list[reminders.Candidate]:
    """Who may be reminded, each person with the unit they answer for (their city, or
    themselves); `eligible` as `eligible_units` returns it, when already read."""
    if eligible is None:
        eligible = await eligible_units(session, consultation)
    if consultation.one_response_per == "city":
        holders = await q.role_holders(session, Role.city_representative)
        return [
            reminders.Candidate(h.person_id, h.city_id)
            for h in holders
            if h.city_id is not None and h.city_id in eligible
        ]
    return [reminders.Candidate(p, p) for p in eligible]


def submitted_units(
    consultation: Consultation, submitted: Sequence[ConsultationResponse]
) -> list[int]:
    """The units (cities, or people) of these submitted responses."""
    per_city = consultation.one_response_per == "city"
    units = [r.city_id if per_city else r.person_id for r in submitted]
    return [u for u in units if u is not None]


@dataclass(frozen=True)
class Reminder:
    consultation_id: int
    person_id: int


async def due_reminders(session: AsyncSession, now: datetime | None = None) -> list[Reminder]:
    """Who to remind now: in the last 3 days of an open consultation, the representatives of
    cities (or the people) that have not submitted, once each. The sender calls
    `record_reminder` after sending, so a restart does not remind twice."""
    now = now or utcnow()
    due: list[Reminder] = []
    for consultation in await q.open_consultations(session):
        if not reminders.reminder_window_open(consultation.opens_at, consultation.closes_at, now):
            continue
        candidates = await reminder_candidates(session, consultation)
        submitted = await q.submitted_responses(session, consultation.id)
        done = submitted_units(consultation, submitted)
        reminded = await q.invited_person_ids(session, consultation.id, InvitationKind.reminder)
        chosen = reminders.select_reminders(
            candidates,
            done,
            reminded,
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            now=now,
        )
        due += [Reminder(consultation.id, p) for p in chosen]
    return due


async def record_reminder(
    session: AsyncSession, reminder: Reminder, sent_at: datetime | None = None
) -> bool:
    """Remember a sent reminder; False if it had already been recorded."""
    return await q.record_invitation(
        session, reminder.consultation_id, reminder.person_id, InvitationKind.reminder, sent_at
    )
