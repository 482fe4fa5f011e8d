"""Who receives a web link to a consultation, and for which city: the domain side of the
invitation, reminder and sign-in emails (the web face words and sends them).

A representative gets one link per city they may answer for, under the bot's rules
(`response_access`): the consultation takes answers and the city is in its networks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import invitations, reports
from engagement.consultations.errors import Refusal, ResponseRefused
from engagement.consultations.response_access import check_accepting, start_or_resume
from engagement.consultations.web_links import AnswerLink
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import Consultation, InvitationKind
from storage.people import Person


@dataclass(frozen=True)
class LinkRecipient:
    address: str
    name: str
    language: str | None
    link: AnswerLink
    city: str | None
    timezone: str | None = None


async def _links_of(
    session: AsyncSession, consultation: Consultation, person: Person, now: datetime
) -> list[LinkRecipient]:
    if person.email is None:
        return []
    if consultation.one_response_per == "city":
        cities: Sequence[int | None] = person.represented_city_ids()
    else:
        cities = [None]
    found: list[LinkRecipient] = []
    for city_id in cities:
        try:
            await _may_answer_for(session, consultation, person, city_id, now)
        except ResponseRefused:
            continue
        link = AnswerLink(consultation.id, person.id, city_id)
        city = await q.city_name(session, city_id)
        found.append(
            LinkRecipient(
                person.email, person.display_name, person.language, link, city, person.timezone
            )
        )
    return found


async def _may_answer_for(
    session: AsyncSession,
    consultation: Consultation,
    person: Person,
    city_id: int | None,
    now: datetime,
) -> None:
    """ResponseRefused unless the person may answer (for `city_id`) now; creates nothing."""
    check_accepting(consultation, now)
    eligible = await reports.eligible_units(session, consultation)
    unit = city_id if consultation.one_response_per == "city" else person.id
    if unit not in eligible:
        raise ResponseRefused(Refusal.not_eligible)


async def sign_in_recipients(
    session: AsyncSession, consultation: Consultation, address: str, now: datetime | None = None
) -> list[LinkRecipient]:
    """The links to mail to `address` (normalized): none when nobody with that address may
    answer the consultation now (the page says the same either way)."""
    found: list[LinkRecipient] = []
    for person in await q.people_with_email(session, address):
        found += await _links_of(session, consultation, person, now or utcnow())
    return found


async def mailed_recipients(
    session: AsyncSession,
    consultation_id: int,
    kind: InvitationKind,
    now: datetime | None = None,
) -> list[LinkRecipient]:
    """Who gets the invitation (everyone asked) or the reminder (those whose city has not
    submitted, in the last days) by email: the people among them with an address."""
    now = now or utcnow()
    consultation = await q.get_consultation(session, consultation_id)
    if kind == InvitationKind.invite:
        people = await invitations.audience_people(session, consultation)
    else:
        due = await reports.due_reminders(session, now)
        people = [r.person_id for r in due if r.consultation_id == consultation_id]
    return await recipients_among(session, consultation, people, now)


async def recipients_among(
    session: AsyncSession,
    consultation: Consultation,
    person_ids: Sequence[int],
    now: datetime | None = None,
) -> list[LinkRecipient]:
    """The links to mail to those of `person_ids` who have an address and may answer."""
    found: list[LinkRecipient] = []
    for person in (await q.emails_of(session, list(person_ids))).values():
        found += await _links_of(session, consultation, person, now or utcnow())
    return found


async def check_link(
    session: AsyncSession, link: AnswerLink, *, language: str, now: datetime | None = None
) -> None:
    """Raise ResponseRefused unless the link's person may answer for its city now (the rules
    of the bot); creates the city's response if it has none yet."""
    await start_or_resume(
        session,
        link.consultation_id,
        link.person_id,
        language=language,
        city_id=link.city_id,
        now=now,
    )
