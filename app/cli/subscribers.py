"""`aive subscribers`: email subscribers of the bulletins (add, import, list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import typer
from sqlalchemy import select

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, cli_language, ngettext
from app.mail import transactional_mailer
from app.settings import SUPPORTED_LANGUAGES, Settings
from newsletter.subscriptions import importing, service
from newsletter.subscriptions.addresses import AddressError, normalize_address
from newsletter.subscriptions.i18n import gettext as subscription_gettext
from newsletter.subscriptions.names import subscriber_name
from newsletter.subscriptions.subscribers_csv import RejectedRow
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus

app = typer.Typer(help=N_("Email subscribers of the bulletins."), no_args_is_help=True)
STAFF_CONSENT = "added by staff with aive subscribers add --confirmed"


async def _send_confirmations(
    settings: Settings, sessions: SessionFactory, subscriber_ids: Sequence[int]
) -> tuple[int, list[str]]:
    """Send the double opt-in email to each pending subscriber; (sent, failures)."""
    async with sessions() as session:
        sent, failures = await importing.send_confirmations(
            session,
            subscriber_ids,
            settings=settings,
            mailer=transactional_mailer(settings),
            actor="cli",
            now=datetime.now(UTC),
        )
        await session.commit()
    return sent, failures


def _language(settings: Settings, lang: str | None) -> str:
    code = (lang or settings.default_language).strip().lower()
    if code not in SUPPORTED_LANGUAGES:
        fail(
            _(
                "--lang: {value} is not one of {choices}",
                value=repr(lang),
                choices=", ".join(SUPPORTED_LANGUAGES),
            ),
            2,
        )
    return code


@app.command(
    help=N_("Add one subscriber: pending with a confirmation email, or confirmed with --confirmed.")
)
def add(
    email: str = typer.Argument(..., help=N_("Email address.")),
    lang: str | None = typer.Option(None, "--lang", help=N_("Bulletin language (en fr es pt ca).")),
    network: list[str] = typer.Option([], "--network", help=N_("Network slug; repeat for more.")),
    name: str | None = typer.Option(None, "--name", help=N_("Name used in greetings.")),
    confirmed: bool = typer.Option(
        False, "--confirmed", help=N_("Consent already given elsewhere: no confirmation email.")
    ),
    consent_source: str | None = typer.Option(
        None, "--consent-source", help=N_("Where the consent was given (with --confirmed).")
    ),
) -> None:
    settings = settings_or_exit()
    try:
        address = normalize_address(email)
    except AddressError as exc:
        fail(f"{email}: {_problem(str(exc))}", 2)
    try:
        name = subscriber_name(name)
    except ValueError:
        fail(_("--name: write the name on one line, without control characters"), 2)
    language = _language(settings, lang)
    if consent_source and not confirmed:
        fail(_("--consent-source goes with --confirmed"), 2)
    source = (consent_source or STAFF_CONSENT) if confirmed else "staff, double opt-in"

    async def _go(sessions: SessionFactory) -> tuple[int, SubscriberStatus, int, list[str]]:
        now = datetime.now(UTC)
        async with sessions() as session:
            try:
                subscriber = await service.add_subscriber(
                    session,
                    address,
                    name=name,
                    language=language,
                    networks=[n.strip().lower() for n in network],
                    confirmed=confirmed,
                    consent_source=source,
                    consented_at=None,
                    now=now,
                )
            except service.SubscriptionError as exc:
                fail(f"{address}: {exc}", 1)
            await session.commit()
            subscriber_id, status = subscriber.id, subscriber.status
        sent, failures = 0, list[str]()
        if not confirmed:
            sent, failures = await _send_confirmations(settings, sessions, [subscriber_id])
        return subscriber_id, status, sent, failures

    subscriber_id, status, sent, failures = with_sessions(settings, _go)
    typer.echo(
        _(
            "subscriber {id} added ({status}): {address}",
            id=subscriber_id,
            status=status.value,
            address=address,
        )
    )
    if sent:
        typer.echo(_("confirmation email sent"))
    for line in failures:
        fail(_("confirmation email not sent: {problem}", problem=line), 1)


@dataclass
class ImportReport:
    added: int = 0
    confirmations_sent: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    mail_failures: list[str] = field(default_factory=list)


@app.command(
    "import",
    help=N_(
        "Add subscribers from CSV; bad rows are reported with line and reason, good ones kept.\n\n"
        "Without --confirmed each new subscriber gets a confirmation email (double opt-in)."
    ),
)
def import_subscribers(
    file: Path = typer.Argument(
        ...,
        help=N_(
            "CSV with a header row: email[,name,language,networks,consent_source,consented_at]"
        ),
    ),
    confirmed: bool = typer.Option(
        False, "--confirmed", help=N_("Consent recorded elsewhere: import as confirmed.")
    ),
    consent_source: str | None = typer.Option(
        None, "--consent-source", help=N_("Consent source for rows without their own.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON report.")),
) -> None:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(_("{file}: no such file", file=file), 2)
    except UnicodeDecodeError as exc:
        fail(
            _(
                "{file}: not UTF-8 text (byte {byte}); save the CSV as UTF-8",
                file=file,
                byte=exc.start,
            ),
            2,
        )
    header = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    if confirmed and not consent_source and "consent_source" not in header:
        fail(
            _(
                "--confirmed needs a consent source: add a consent_source column, or give "
                '--consent-source "where and when they agreed" for the whole file'
            ),
            2,
        )
    if consent_source and not confirmed:
        fail(_("--consent-source goes with --confirmed"), 2)
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> ImportReport:
        now = datetime.now(UTC)
        report = ImportReport()
        pending: list[int] = []
        async with sessions() as session:
            result = await importing.import_subscribers(
                session,
                text,
                label=file.name,
                languages=SUPPORTED_LANGUAGES,
                default_language=settings.default_language,
                confirmed=confirmed,
                consent_source=consent_source,
                now=now,
                actor="cli",
            )
            report.rejected, report.added = result.rejected, len(result.added)
            if not confirmed:
                pending = list(result.added)
            await session.commit()
        if pending:
            sent, failures = await _send_confirmations(settings, sessions, pending)
            report.confirmations_sent, report.mail_failures = sent, failures
        return report

    report = with_sessions(settings, _go)
    rejected = [
        {"line": r.line, "email": r.email, "reason": _problem(r.reason)} for r in report.rejected
    ]
    if as_json:
        print_json(
            {
                "added": report.added,
                "status": "confirmed" if confirmed else "pending",
                "confirmations_sent": report.confirmations_sent,
                "rejected": rejected,
                "mail_failures": report.mail_failures,
            }
        )
    else:
        if confirmed:
            summary = _(
                "{added} subscribers added (confirmed), {rejected} rows rejected",
                added=report.added,
                rejected=len(rejected),
            )
        else:
            summary = _(
                "{added} subscribers added (pending, confirmation email sent), "
                "{rejected} rows rejected",
                added=report.added,
                rejected=len(rejected),
            )
        typer.echo(summary)
        if rejected:
            print_table(
                _("Rejected rows"),
                [_("line"), _("email"), _("reason")],
                [(r["line"], r["email"], r["reason"]) for r in rejected],
            )
        for line in report.mail_failures:
            typer.echo(_("confirmation email not sent: {problem}", problem=line), err=True)
    if (rejected and not report.added) or report.mail_failures:
        raise typer.Exit(1)


@app.command("list", help=N_("Every subscriber with status, language, networks and consent."))
def list_subscribers(
    status: SubscriberStatus | None = typer.Option(None, "--status", help=N_("Only this status.")),
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
) -> None:

    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        query = select(Subscriber).order_by(Subscriber.id)
        if status is not None:
            query = query.where(Subscriber.status == status)
        async with sessions() as session:
            return [
                {
                    "id": s.id,
                    "email": s.email,
                    "name": s.name,
                    "language": s.language,
                    "networks": list(s.networks),
                    "status": s.status.value,
                    "paused": s.paused,
                    "consent_source": s.consent_source,
                    "consented_at": s.consented_at.isoformat() if s.consented_at else None,
                    "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                    "created_at": s.created_at.isoformat(),
                }
                for s in (await session.scalars(query)).all()
            ]

    rows = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(rows)
        return
    print_table(
        ngettext("{n} subscriber", "{n} subscribers", len(rows)),
        [
            _("id"),
            _("email"),
            _("lang"),
            _("networks"),
            _("status"),
            _("paused"),
            _("consent"),
        ],
        [
            (
                r["id"],
                r["email"],
                r["language"],
                r["networks"],
                r["status"],
                _("yes") if r["paused"] else "",
                r["consent_source"],
            )
            for r in rows
        ],
    )


def _problem(reason: str) -> str:
    """A row's or an address's problem in the operator's language when the subscription
    catalogs know it (an address our mail cannot carry); a `field: ` prefix is kept."""
    field, colon, problem = reason.partition(": ")
    if not colon:
        return subscription_gettext(cli_language(), reason)
    return f"{field}: {subscription_gettext(cli_language(), problem)}"
