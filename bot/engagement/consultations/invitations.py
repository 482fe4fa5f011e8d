"""Invitations when a consultation opens, and reminders before it closes, via the chat outbox.

Each message carries an "Answer" button whose callback opens the consultation in the bot
(`co:<id>`, see bot.features.consultations). Both are idempotent: the outbox key
`consultation:<id>:invite|reminder` queues a chat at most once, and every person sent one is
recorded in consultation_invitations, so a restart or a second `open` sends nothing twice.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast import Recipient, enqueue_broadcast
from bot.config import SUPPORTED_LANGUAGES
from bot.engagement.consultations import reports
from bot.engagement.consultations.messages import translate
from bot.engagement.consultations.schema import localized
from storage import consultation_queries as q
from storage.base import utcnow
from storage.broadcasts import BroadcastKind
from storage.consultations import Consultation, ConsultationInvitation, InvitationKind
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


def closing_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def payload(consultation: Consultation, message: str) -> dict[str, object]:
    """The outbox payload: the text and the Answer button in each language the bot speaks."""
    texts = {
        lang: translate(message, lang)
        % {
            "title": html.escape(localized(consultation.titles, lang)),
            "closes": closing_time(consultation.closes_at),
        }
        for lang in SUPPORTED_LANGUAGES
    }
    label = {lang: translate(ANSWER, lang) for lang in SUPPORTED_LANGUAGES}
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


async def _queue(
    session: AsyncSession,
    consultation: Consultation,
    kind: InvitationKind,
    person_ids: Iterable[int],
    *,
    default_language: str,
    created_by: str,
    now: datetime,
) -> int:
    chats = await q.chats_of(session, list(person_ids))
    if not chats:
        return 0
    message = INVITE if kind == InvitationKind.invite else REMINDER
    recipients = [
        Recipient(c.telegram_id, c.person_id, c.language or default_language) for c in chats
    ]
    await enqueue_broadcast(
        session,
        BroadcastKind.text,
        payload(consultation, message),
        recipients,
        audience=f"consultation:{consultation.id}",
        created_by=created_by,
        key=f"consultation:{consultation.id}:{kind.value}",
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
        created_by=created_by,
        now=now or utcnow(),
    )


async def invite_people(
    session: AsyncSession,
    consultation_id: int,
    person_ids: Iterable[int],
    *,
    default_language: str = "en",
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
    await enqueue_broadcast(
        session,
        BroadcastKind.text,
        payload(consultation, INVITE),
        [Recipient(c.telegram_id, c.person_id, c.language or default_language) for c in chats],
        audience=f"consultation:{consultation.id}",
        created_by=created_by,
        key=f"consultation:{consultation.id}:invite",
    )
    return len(chats)


async def send_due_reminders(
    session: AsyncSession, *, default_language: str = "en", now: datetime | None = None
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
            created_by="scheduler",
            now=now,
        )
    return queued
