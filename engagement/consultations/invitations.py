"""Invitations when a consultation opens, and reminders before it closes, via the chat outbox.

Each message carries an "Answer" button whose callback opens the consultation in the bot
(`co:<id>`, see bot.features.consultations). Both are idempotent: the outbox key
`consultation:<id>:invite|reminder` queues a chat at most once, and every person sent one is
recorded in consultation_invitations, so a restart or a second `open` sends nothing twice.
The closing time is written in each reader's timezone: one broadcast per zone, keyed
`consultation:<id>:<kind>` for the secretariat's zone and `…:<kind>@<zone>` for the others.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import reminders, reports
from engagement.consultations.errors import ConsultationError
from engagement.consultations.messages import translate
from engagement.consultations.schema import localized
from engagement.reader_time import reader_zones
from i18n.languages import LANGUAGES
from i18n.times import local_time
from outbox import Recipient, enqueue_broadcast
from storage import audit
from storage import consultations_queries as q
from storage.base import utcnow
from storage.broadcasts import BroadcastKind
from storage.consultations import (
    Consultation,
    ConsultationInvitation,
    ConsultationStatus,
    InvitationKind,
)
from storage.people import Role

OPEN_PREFIX = "co"  # callback data of the Answer button: "co:<consultation id>"


def _(message: str) -> str:
    """Marks a message for extraction; translated per reader by `translate`."""
    return message


INVITE = _(
    "A new consultation is open: <b>%(title)s</b>.\n"
    "It takes a few minutes, one tap per answer; you can stop and continue later. "
    "Open until %(closes)s."
)
REMINDER = _(
    "Reminder: the consultation <b>%(title)s</b> closes on %(closes)s, and your answers are "
    "not submitted yet."
)
ANSWER = _("Answer")


def open_callback(consultation_id: int) -> str:
    return f"{OPEN_PREFIX}:{consultation_id}"


def payload(consultation: Consultation, message: str, tz: ZoneInfo) -> dict[str, object]:
    """The outbox payload for readers in `tz`: the text and the Answer button in each language
    the bot speaks."""
    texts = {
        lang: translate(message, lang)
        % {
            "title": html.escape(localized(consultation.titles, lang)),
            "closes": local_time(consultation.closes_at, tz, lang),
        }
        for lang in LANGUAGES
    }
    label = {lang: translate(ANSWER, lang) for lang in LANGUAGES}
    return {
        "text": texts,
        "buttons": [[{"text": label, "callback_data": open_callback(consultation.id)}]],
    }


async def audience_people(session: AsyncSession, consultation: Consultation) -> list[int]:
    """Who is asked: the representatives of eligible cities, or the eligible people."""
    eligible = await reports.eligible_units(session, consultation)
    if consultation.one_response_per != "city":
        return sorted(eligible)
    holders = await q.role_holders(session, Role.city_representative)
    return sorted({h.person_id for h in holders if h.city_id in eligible})


async def _enqueue_by_zone(
    session: AsyncSession,
    consultation: Consultation,
    kind: InvitationKind,
    message: str,
    chats: list[q.Chat],
    *,
    default_language: str,
    default_timezone: str,
    created_by: str,
) -> None:
    """One broadcast per reader timezone, so each reads the closing time in their own."""
    zones = await reader_zones(session, [c.person_id for c in chats], default_timezone)
    groups: dict[str, list[Recipient]] = defaultdict(list)
    for c in chats:
        recipient = Recipient(c.telegram_id, c.person_id, c.language or default_language)
        groups[zones[c.person_id].key].append(recipient)
    for zone_key, recipients in sorted(groups.items()):
        key = f"consultation:{consultation.id}:{kind.value}"
        if zone_key != default_timezone:
            key += f"@{zone_key}"
        await enqueue_broadcast(
            session,
            BroadcastKind.text,
            payload(consultation, message, ZoneInfo(zone_key)),
            recipients,
            audience=f"consultation:{consultation.id}",
            created_by=created_by,
            key=key,
        )


async def _queue(
    session: AsyncSession,
    consultation: Consultation,
    kind: InvitationKind,
    person_ids: Iterable[int],
    *,
    default_language: str,
    default_timezone: str,
    created_by: str,
    now: datetime,
) -> int:
    chats = await q.chats_of(session, list(person_ids))
    if not chats:
        return 0
    message = INVITE if kind == InvitationKind.invite else REMINDER
    await _enqueue_by_zone(
        session,
        consultation,
        kind,
        message,
        chats,
        default_language=default_language,
        default_timezone=default_timezone,
        created_by=created_by,
    )
    sent = 0
    for chat in chats:
        sent += await q.record_invitation(session, consultation.id, chat.person_id, kind, now)
    return sent


async def invite_audience(
    session: AsyncSession,
    consultation_id: int,
    *,
    default_language: str = "en",
    default_timezone: str = "UTC",
    created_by: str = "",
    now: datetime | None = None,
) -> int:
    """Queue the invitation for everyone the consultation asks who has not had it; how many."""
    consultation = await q.get_consultation(session, consultation_id)
    invited = await q.invited_person_ids(session, consultation.id, InvitationKind.invite)
    people = [p for p in await audience_people(session, consultation) if p not in invited]
    return await _queue(
        session,
        consultation,
        InvitationKind.invite,
        people,
        default_language=default_language,
        default_timezone=default_timezone,
        created_by=created_by,
        now=now or utcnow(),
    )


async def invite_people(
    session: AsyncSession,
    consultation_id: int,
    person_ids: Iterable[int],
    *,
    default_language: str = "en",
    default_timezone: str = "UTC",
    created_by: str = "",
    now: datetime | None = None,
) -> int:
    """Invite these people (those not invited yet): the audience of an `invited` consultation.

    Their invitation rows and the outbox rows are committed together, so whoever gets the
    Answer button is also allowed to answer. Commits; returns how many were invited.
    """
    consultation = await q.get_consultation(session, consultation_id)
    invited = await q.invited_person_ids(session, consultation.id, InvitationKind.invite)
    chats = await q.chats_of(session, [p for p in person_ids if p not in invited])
    if not chats:
        await session.commit()
        return 0
    for chat in chats:
        session.add(
            ConsultationInvitation(
                consultation_id=consultation.id,
                person_id=chat.person_id,
                kind=InvitationKind.invite,
                sent_at=now or utcnow(),
            )
        )
    await session.flush()
    await _enqueue_by_zone(
        session,
        consultation,
        InvitationKind.invite,
        INVITE,
        chats,
        default_language=default_language,
        default_timezone=default_timezone,
        created_by=created_by,
    )
    return len(chats)


async def send_due_reminders(
    session: AsyncSession,
    *,
    default_language: str = "en",
    default_timezone: str = "UTC",
    now: datetime | None = None,
) -> int:
    """Queue the reminders due now (last three days, not submitted, not yet reminded)."""
    now = now or utcnow()
    due = await reports.due_reminders(session, now)
    queued = 0
    for consultation_id in sorted({r.consultation_id for r in due}):
        consultation = await q.get_consultation(session, consultation_id)
        people = [r.person_id for r in due if r.consultation_id == consultation_id]
        queued += await _queue(
            session,
            consultation,
            InvitationKind.reminder,
            people,
            default_language=default_language,
            default_timezone=default_timezone,
            created_by="scheduler",
            now=now,
        )
    return queued


async def remind_unanswered(
    session: AsyncSession,
    consultation_id: int,
    *,
    actor: str,
    default_language: str = "en",
    default_timezone: str = "UTC",
    now: datetime | None = None,
) -> int:
    """Staff remind now, whatever the date, the representatives of the cities (or the people)
    that have not submitted: the reminder the scheduler sends in the last three days, queued
    the same way and recorded the same way, so nobody gets it twice (neither from a second
    press nor from the scheduler later). Audit-logged as `consultation.remind`.

    Raises NotFound, and ConsultationError when the consultation is not open. Commits;
    returns how many people were reminded.
    """
    consultation = await q.get_consultation(session, consultation_id)
    if consultation.status != ConsultationStatus.open:
        raise ConsultationError("it is not open; only an open consultation can be reminded")
    candidates = await reports.reminder_candidates(session, consultation)
    submitted = await q.submitted_responses(session, consultation.id)
    done = reports.submitted_units(consultation, submitted)
    reminded = await q.invited_person_ids(session, consultation.id, InvitationKind.reminder)
    people = reminders.not_answered(candidates, done, reminded)
    chats = await q.chats_of(session, people)
    audit.record(session, actor, "consultation.remind", consultation.slug, reminded=len(chats))
    await session.commit()
    return await _queue(
        session,
        consultation,
        InvitationKind.reminder,
        [c.person_id for c in chats],
        default_language=default_language,
        default_timezone=default_timezone,
        created_by=actor,
        now=now or utcnow(),
    )
