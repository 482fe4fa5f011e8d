"""Staff add subscribers: one address (`add_one`) or a CSV file (`import_csv`), then the
double opt-in emails. The command line (`aive subscribers add|import`) and the console call
these and only print what they return.

Transactions: the subscribers are committed before any confirmation email goes out, so a mail
failure never loses a subscriber (it is reported, and `confirmation_sent` is recorded only for
the emails that went).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsletter.subscriptions import service
from newsletter.subscriptions.mailer import Mailer, MailerError, TransactionalMessage
from newsletter.subscriptions.subscribers_csv import (
    RejectedRow,
    SubscriberRow,
    parse_subscribers_csv,
)
from storage.audit import record
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus

ConfirmationFor = Callable[[Subscriber], TransactionalMessage]


@dataclass(frozen=True, slots=True)
class Confirmations:
    """How to send the double opt-in email: through `mailer`, the message of each subscriber
    made by `message_for` (newsletter.subscriptions.confirmation.confirmation_message)."""

    mailer: Mailer
    message_for: ConfirmationFor


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One row of the file: the subscriber it added, or why it was rejected."""

    line: int
    email: str
    subscriber_id: int | None = None
    reason: str | None = None  # `field: problem`, in English (faces translate it)


@dataclass
class ImportReport:
    rows: list[ImportedRow] = field(default_factory=list)  # by line
    confirmations_sent: int = 0
    mail_failures: list[str] = field(default_factory=list)  # `address: problem`

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r.subscriber_id is not None)

    @property
    def rejected(self) -> list[ImportedRow]:
        return [r for r in self.rows if r.reason is not None]


@dataclass(frozen=True, slots=True)
class AddedSubscriber:
    id: int
    status: SubscriberStatus
    confirmation_sent: bool
    mail_failures: list[str]


async def add_one(
    sessions: SessionFactory,
    address: str,
    *,
    name: str | None,
    language: str,
    networks: Sequence[str],
    confirmed: bool,
    consent_source: str,
    confirmations: Confirmations,
    actor: str,
    now: datetime,
) -> AddedSubscriber:
    """Add one (normalized) address, confirmed or pending; a pending one gets the
    confirmation email. Raises `service.SubscriptionError` (e.g. already subscribed)."""
    async with sessions() as session:
        subscriber = await service.add_subscriber(
            session,
            address,
            name=name,
            language=language,
            networks=list(networks),
            confirmed=confirmed,
            consent_source=consent_source,
            consented_at=None,
            now=now,
            actor=actor,
        )
        await session.commit()
        subscriber_id, status = subscriber.id, subscriber.status
    sent, failures = 0, list[str]()
    if not confirmed:
        sent, failures = await send_confirmations(
            sessions, confirmations, [subscriber_id], actor, now
        )
    return AddedSubscriber(subscriber_id, status, bool(sent), failures)


def lacks_consent_source(text: str, confirmed: bool, consent_source: str | None) -> bool:
    """Whether a confirmed import has no consent source at all: no `consent_source` column
    and none given for the whole file (then no row could be imported)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return confirmed and not consent_source and "consent_source" not in header


async def import_csv(
    sessions: SessionFactory,
    text: str,
    *,
    file_name: str,
    languages: Collection[str],
    default_language: str,
    confirmed: bool,
    consent_source: str | None,
    confirmations: Confirmations,
    actor: str,
    now: datetime,
) -> ImportReport:
    """Add every valid row of the CSV `text` (newsletter.subscriptions.subscribers_csv), as
    confirmed (consent recorded elsewhere) or pending; the pending ones get the confirmation
    email. Bad rows are reported with their line and reason, good ones kept."""
    report = ImportReport()
    async with sessions() as session:
        known = await service.known_network_slugs(session)
        parsed = parse_subscribers_csv(
            text, known, languages, now, confirmed=confirmed, consent_source=consent_source
        )
        people = [
            service.NewSubscriber(
                email=row.email,
                name=row.name,
                language=row.language or default_language,
                networks=row.networks,
                consent_source=(row.consent_source or consent_source)
                if confirmed
                else (row.consent_source or f"import {file_name}, double opt-in"),
                consented_at=row.consented_at,
            )
            for row in parsed.rows
        ]
        outcomes = await service.add_subscribers(
            session, people, confirmed=confirmed, now=now, actor=actor
        )
        report.rows = _report_rows(parsed.rejected, parsed.rows, outcomes)
        record(
            session,
            actor,
            "subscribers.imported",
            file_name,
            added=report.added,
            rejected=len(report.rejected),
            confirmed=confirmed,
        )
        await session.commit()
    if not confirmed:
        pending = [r.subscriber_id for r in report.rows if r.subscriber_id is not None]
        sent, failures = await send_confirmations(sessions, confirmations, pending, actor, now)
        report.confirmations_sent, report.mail_failures = sent, failures
    return report


def _report_rows(
    rejected: Sequence[RejectedRow], rows: Sequence[SubscriberRow], outcomes: Sequence[int | str]
) -> list[ImportedRow]:
    found = [ImportedRow(r.line, r.email, reason=r.reason) for r in rejected]
    for row, outcome in zip(rows, outcomes, strict=True):
        if isinstance(outcome, str):
            found.append(ImportedRow(row.line, row.email, reason=f"email: {outcome}"))
        else:
            found.append(ImportedRow(row.line, row.email, subscriber_id=outcome))
    return sorted(found, key=lambda r: r.line)


async def send_confirmations(
    sessions: SessionFactory,
    confirmations: Confirmations,
    subscriber_ids: Sequence[int],
    actor: str,
    now: datetime,
) -> tuple[int, list[str]]:
    """Send the double opt-in email to each pending subscriber; (sent, `address: problem`
    for each one that could not be sent)."""
    sent, failures = 0, list[str]()
    async with sessions() as session:
        for subscriber_id in subscriber_ids:
            subscriber = await session.get(Subscriber, subscriber_id)
            if subscriber is None:
                continue
            try:
                await confirmations.mailer.send(confirmations.message_for(subscriber))
            except MailerError as exc:
                failures.append(f"{subscriber.email}: {exc}")
                continue
            service.confirmation_sent(session, subscriber, actor, now)
            sent += 1
        await session.commit()
    return sent, failures
