"""The emails that carry a representative's link to the web form: the invitation when a
consultation opens, the reminder before it closes, and the sign-in link asked for on the
consultation's page. Each in the person's language (`web_answers` catalog), text and HTML."""

from __future__ import annotations

import html
import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import web_recipients
from engagement.consultations.response_access import definition_of
from engagement.consultations.schema import localized
from engagement.consultations.web_links import (
    DEFAULT_VALIDITY,
    answer_url,
    make_token,
)
from i18n.times import local_time
from newsletter.subscriptions.mailer import Mailer, MailerError, TransactionalMessage
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import Consultation, InvitationKind
from web.public.answer_pages import LANGUAGES, text

log = logging.getLogger(__name__)
_ = text


def link_message(
    recipient: web_recipients.LinkRecipient,
    consultation: Consultation,
    kind: str,
    key: str,
    public_url: str,
    default_language: str,
    *,
    now: datetime | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    timezone: str = "Europe/Madrid",
) -> TransactionalMessage:
    """The email for one representative and city; `kind` is invite, reminder or sign_in."""
    now = now or utcnow()
    lang = (recipient.language or default_language).split("-")[0]
    lang = lang if lang in LANGUAGES else "en"
    title = localized(definition_of(consultation).title, lang)
    token = make_token(recipient.link, key, now=now)
    url = answer_url(public_url, consultation.slug, token)
    closes = local_time(consultation.closes_at, ZoneInfo(recipient.timezone or timezone), lang)
    subject, lead = _subject_and_lead(kind, lang, title, closes)
    if recipient.city:
        lead += " " + _("You answer for %(city)s.", lang, city=recipient.city)
    note = _(
        "This link is personal: do not forward it. It works for %(days)s days; you can ask "
        "for a new one on the consultation's page.",
        lang,
        days=validity.days,
    )
    button = _("Answer on the web", lang)
    body_text = f"{lead}\n\n{button}: {url}\n\n{note}\n"
    body_html = (
        f'<p>{html.escape(lead)}</p><p><a href="{html.escape(url)}">{html.escape(button)}</a>'
        f"</p><p>{html.escape(note)}</p>"
    )
    return TransactionalMessage(
        to=recipient.address,
        to_name=recipient.name or None,
        subject=subject,
        text=body_text,
        html=body_html,
        category=f"consultation-{kind}",
    )


def _subject_and_lead(kind: str, lang: str, title: str, closes: str) -> tuple[str, str]:
    """The subject and first sentence of an invite, a reminder or a sign-in link."""
    if kind == "invite":
        subject = _("New consultation: %(title)s", lang, title=title)
        lead = _(
            "A new consultation is open: %(title)s. You can answer it on the web, or in the "
            "Telegram bot; both fill in the same response. Open until %(closes)s.",
            lang,
            title=title,
            closes=closes,
        )
    elif kind == "reminder":
        subject = _("Reminder: %(title)s", lang, title=title)
        lead = _(
            "Reminder: the consultation %(title)s closes on %(closes)s, and your answers are "
            "not submitted yet.",
            lang,
            title=title,
            closes=closes,
        )
    else:
        subject = _("Your link to answer: %(title)s", lang, title=title)
        lead = _(
            "Here is your personal link to answer the consultation %(title)s.", lang, title=title
        )
    return subject, lead


async def email_reminders(
    session: AsyncSession,
    consultation_id: int,
    person_ids: list[int],
    *,
    mailer: Mailer,
    key: str,
    public_url: str,
    default_language: str = "en",
    now: datetime | None = None,
    timezone: str = "Europe/Madrid",
) -> int:
    """Email the reminder with the web link to those of `person_ids` (found due before the
    chat reminders were recorded) who have an address; record each reminder sent."""
    consultation = await q.get_consultation(session, consultation_id)
    recipients = await web_recipients.recipients_among(session, consultation, person_ids, now)
    recorded = await q.invited_person_ids(session, consultation_id, InvitationKind.reminder)
    sent = 0
    for recipient in recipients:
        message = link_message(
            recipient,
            consultation,
            "reminder",
            key,
            public_url,
            default_language,
            now=now,
            timezone=timezone,
        )
        try:
            await mailer.send(message)
        except MailerError as error:
            log.warning("consultation reminder email not sent: %s", error)
            continue
        if recipient.link.person_id not in recorded:  # the chat reminder may have been
            recorded.add(recipient.link.person_id)
            await q.record_invitation(
                session, consultation_id, recipient.link.person_id, InvitationKind.reminder, now
            )
        sent += 1
    return sent


async def email_links(
    session: AsyncSession,
    consultation_id: int,
    kind: InvitationKind,
    *,
    mailer: Mailer,
    key: str,
    public_url: str,
    default_language: str = "en",
    now: datetime | None = None,
    exclude: Collection[int] = (),
    timezone: str = "Europe/Madrid",
) -> int:
    """Email the invitation or the reminder with the web link to the representatives who
    have an address, except the people in `exclude` (invited before: opening again sends
    nothing twice); each one sent is recorded. How many were sent (a failed one is logged
    and skipped)."""
    consultation = await q.get_consultation(session, consultation_id)
    recipients = await web_recipients.mailed_recipients(session, consultation_id, kind, now)
    recorded = await q.invited_person_ids(session, consultation_id, kind)
    sent = 0
    for recipient in recipients:
        if recipient.link.person_id in exclude:
            continue
        message = link_message(
            recipient,
            consultation,
            kind.value,
            key,
            public_url,
            default_language,
            now=now,
            timezone=timezone,
        )
        try:
            await mailer.send(message)
        except MailerError as error:
            log.warning("consultation %s email not sent: %s", kind.value, error)
            continue
        if recipient.link.person_id not in recorded:  # invited in the bot too: recorded
            recorded.add(recipient.link.person_id)
            await q.record_invitation(session, consultation_id, recipient.link.person_id, kind, now)
        sent += 1
    return sent
