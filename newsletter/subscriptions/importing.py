"""Importing subscribers from a CSV file: the one call the CLI and the console make.

Rows are validated by `subscribers_csv`, added by `service.add_subscribers` (which refuses
known and erased addresses), and the import itself is one audit row. Sending the confirmation
emails of pending subscribers is the face's job, after the commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from newsletter.subscriptions import service
from newsletter.subscriptions.confirmation import confirmation_message
from newsletter.subscriptions.mailer import Mailer, MailerError
from newsletter.subscriptions.subscribers_csv import RejectedRow, parse_subscribers_csv
from newsletter.subscriptions.tokens import TokenSettings
from storage.audit import record
from storage.subscribers import Subscriber


@dataclass
class ImportResult:
    added: list[int] = field(default_factory=list)  # new subscriber ids, in file order
    rejected: list[RejectedRow] = field(default_factory=list)  # by line


async def import_subscribers(
    session: AsyncSession,
    text: str,
    *,
    label: str,
    languages: Collection[str],
    default_language: str,
    confirmed: bool,
    consent_source: str | None,
    now: datetime,
    actor: str,
) -> ImportResult:
    """Add the valid rows of `text` (CSV, CONTRACT.md), report every other row with its line
    and reason. Without `confirmed` the new subscribers are pending (double opt-in). The
    caller commits."""
    known = await service.known_network_slugs(session)
    parsed = parse_subscribers_csv(
        text, known, languages, now, confirmed=confirmed, consent_source=consent_source
    )
    result = ImportResult(rejected=list(parsed.rejected))
    people = [
        service.NewSubscriber(
            email=row.email,
            name=row.name,
            language=row.language or default_language,
            networks=row.networks,
            consent_source=(row.consent_source or consent_source)
            if confirmed
            else (row.consent_source or f"import {label}, double opt-in"),
            consented_at=row.consented_at,
        )
        for row in parsed.rows
    ]
    outcomes = await service.add_subscribers(
        session, people, confirmed=confirmed, now=now, actor=actor
    )
    for row, outcome in zip(parsed.rows, outcomes, strict=True):
        if isinstance(outcome, str):
            result.rejected.append(RejectedRow(row.line, row.email, f"email: {outcome}"))
        else:
            result.added.append(outcome)
    result.rejected.sort(key=lambda r: r.line)
    record(
        session,
        actor,
        "subscribers.imported",
        label,
        added=len(result.added),
        rejected=len(result.rejected),
        confirmed=confirmed,
    )
    return result


async def send_confirmations(
    session: AsyncSession,
    subscriber_ids: Sequence[int],
    *,
    settings: TokenSettings,
    mailer: Mailer,
    actor: str,
    now: datetime,
) -> tuple[int, list[str]]:
    """Send the double opt-in email to each subscriber (after the import's commit); returns
    (sent, one line per failure). Each sending is noted (it paces re-sends); the caller
    commits."""
    sent, failures = 0, list[str]()
    for subscriber_id in subscriber_ids:
        subscriber = await session.get(Subscriber, subscriber_id)
        if subscriber is None:
            continue
        try:
            await mailer.send(confirmation_message(settings, subscriber))
        except MailerError as exc:
            failures.append(f"{subscriber.email}: {exc}")
            continue
        service.confirmation_sent(session, subscriber, actor, now)
        sent += 1
    return sent, failures
