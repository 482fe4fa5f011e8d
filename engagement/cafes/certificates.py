"""Certificates of attendance after a café: one PDF per participant who checked in, in their
language and timezone; staff download it, or send it over the bot (a document in the chat
outbox) or by email (with the PDF attached).
"""

from __future__ import annotations

import base64
import enum
import html
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.cafes.certificate import (
    Certificate,
    catalog,
    certificate_filename,
    certificate_pdf,
)
from engagement.cafes.service import CafeError, get_cafe
from engagement.reader_time import zone_of
from i18n.languages import supported
from newsletter.subscriptions.mailer import Attachment, Mailer, TransactionalMessage
from outbox.content import localized, validate_payload
from outbox.queue import Recipient, add_recipients
from storage import audit, people_queries
from storage import cafes_queries as seats
from storage.broadcasts import Broadcast, BroadcastKind
from storage.cafes import Cafe
from storage.people import Person

_ = catalog.text


class NoCertificate(CafeError):
    """No certificate for this person: the café has not ended, or they did not attend."""


class Channel(enum.StrEnum):
    bot = "bot"
    email = "email"


class CannotReach(CafeError):
    """The person has no chat with the bot (or no email address) to send the certificate to."""


@dataclass(frozen=True)
class CertificateFile:
    filename: str
    data: bytes
    language: str
    person: Person
    cafe: Cafe


async def certificate_file(
    session: AsyncSession,
    cafe_id: int,
    person_id: int,
    *,
    now: datetime,
    default_language: str,
    default_timezone: str,
) -> CertificateFile:
    """The participant's certificate; NotFound (no such café), NoCertificate (the café has not
    ended, or the person did not check in)."""
    cafe = await get_cafe(session, cafe_id)
    if now < cafe.ends_at:
        raise NoCertificate("the café has not ended yet")
    if person_id not in await seats.attendees(session, cafe_id):
        raise NoCertificate(f"person {person_id} did not check in at this café")
    person = await session.get(Person, person_id)
    if person is None:
        raise NoCertificate(f"person {person_id} does not exist")
    lang = supported(person.language) or default_language
    found = Certificate(
        name=person.display_name or f"#{person.id}",
        cafe_title=localized(cafe.titles, lang) or cafe.slug,
        starts_at=cafe.starts_at,
        timezone=await zone_of(session, person_id, default_timezone),
        duration_minutes=cafe.duration_minutes,
        speakers=tuple(s["name"] for s in cafe.speakers),
        issued_on=now,
        language=lang,
    )
    filename = certificate_filename(cafe.slug, person_id)
    return CertificateFile(filename, certificate_pdf(found), lang, person, cafe)


async def send_certificate(
    session: AsyncSession,
    found: CertificateFile,
    channel: Channel,
    *,
    mailer: Mailer,
    actor: str,
) -> None:
    """Send the certificate over the bot (queued in the chat outbox) or by email (now);
    CannotReach when the person has no chat or no address; MailerError from the mailer.
    Audited; commits."""
    if channel == Channel.bot:
        await _queue_document(session, found, actor)
    else:
        await _email(found, mailer)
    subject = f"{found.cafe.slug} person:{found.person.id}"
    audit.record(session, actor, "cafe.certificate", subject, channel=channel.value)
    await session.commit()


def caption(found: CertificateFile) -> str:
    title = localized(found.cafe.titles, found.language) or found.cafe.slug
    return _(
        "Your certificate of attendance at the virtual café <b>%(title)s</b>. Thank you for "
        "taking part!",
        found.language,
        title=html.escape(title),
    )


async def _queue_document(session: AsyncSession, found: CertificateFile, actor: str) -> None:
    reachable = await people_queries.reachable(session, [found.person.id])
    if not reachable:
        raise CannotReach(f"person {found.person.id} has no chat with the bot")
    _pid, chat, _lang = reachable[0]
    content = {
        "caption": {found.language: caption(found)},
        "file": {
            "data": base64.b64encode(found.data).decode(),
            "encoding": "base64",
            "filename": found.filename,
        },
    }
    validate_payload(BroadcastKind.document, content)
    broadcast = Broadcast(
        kind=BroadcastKind.document,
        payload=content,
        audience=f"cafe:{found.cafe.id}:certificate",
        created_by=actor,
    )
    session.add(broadcast)
    await session.flush()
    await add_recipients(session, broadcast.id, [Recipient(chat, found.person.id, found.language)])


async def _email(found: CertificateFile, mailer: Mailer) -> None:
    address = found.person.email
    if not address:
        raise CannotReach(f"person {found.person.id} has no email address")
    lang = found.language
    title = localized(found.cafe.titles, lang) or found.cafe.slug
    subject = _("Certificate of attendance: %(title)s", lang, title=title)
    text = _(
        "Hello %(name)s,\n\nattached is your certificate of attendance at the virtual café "
        "“%(title)s”. Thank you for taking part!\n\nThe secretariat",
        lang,
        name=found.person.display_name,
        title=title,
    )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    message = TransactionalMessage(
        to=address,
        to_name=found.person.display_name or None,
        subject=subject,
        text=text,
        html=f'<html lang="{lang}"><body>{body}</body></html>',
        category="certificate",
        attachments=(Attachment(found.filename, "application/pdf", found.data),),
    )
    await mailer.send(message)
