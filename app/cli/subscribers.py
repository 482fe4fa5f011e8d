"""`aive subscribers`: email subscribers of the bulletins (add, import, list)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, cli_language, ngettext
from app.cli.output import load, print_rows, read_csv_file
from app.mail import transactional_mailer
from app.settings import SUPPORTED_LANGUAGES, Settings
from newsletter.subscriptions import importing, service
from newsletter.subscriptions.addresses import AddressError, normalize_address
from newsletter.subscriptions.confirmation import confirmation_message
from newsletter.subscriptions.i18n import gettext as subscription_gettext
from newsletter.subscriptions.names import subscriber_name
from storage import subscribers_queries
from storage.engine import SessionFactory
from storage.subscribers import Subscriber, SubscriberStatus

app = typer.Typer(help=N_("Email subscribers of the bulletins."), no_args_is_help=True)
STAFF_CONSENT = "added by staff with aive subscribers add --confirmed"


def _confirmations(settings: Settings) -> importing.Confirmations:
    return importing.Confirmations(
        transactional_mailer(settings), partial(confirmation_message, settings)
    )


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

    async def _add(sessions: SessionFactory) -> importing.AddedSubscriber:
        return await importing.add_one(
            sessions,
            address,
            name=name,
            language=language,
            networks=[n.strip().lower() for n in network],
            confirmed=confirmed,
            consent_source=source,
            confirmations=_confirmations(settings),
            actor="cli",
            now=datetime.now(UTC),
        )

    try:
        added = with_sessions(settings, _add)
    except service.SubscriptionError as exc:
        fail(f"{address}: {exc}", 1)
    typer.echo(
        _(
            "subscriber {id} added ({status}): {address}",
            id=added.id,
            status=added.status.value,
            address=address,
        )
    )
    if added.confirmation_sent:
        typer.echo(_("confirmation email sent"))
    for line in added.mail_failures:
        fail(_("confirmation email not sent: {problem}", problem=line), 1)


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
    text = read_csv_file(file)
    if importing.lacks_consent_source(text, confirmed, consent_source):
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

    async def _import(sessions: SessionFactory) -> importing.ImportReport:
        return await importing.import_csv(
            sessions,
            text,
            file_name=file.name,
            languages=SUPPORTED_LANGUAGES,
            default_language=settings.default_language,
            confirmed=confirmed,
            consent_source=consent_source,
            confirmations=_confirmations(settings),
            actor="cli",
            now=datetime.now(UTC),
        )

    _print_import(with_sessions(settings, _import), confirmed, as_json)


def _print_import(report: importing.ImportReport, confirmed: bool, as_json: bool) -> None:
    rejected = [
        {"line": r.line, "email": r.email, "reason": _problem(r.reason or "")}
        for r in report.rejected
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

    async def _rows(sessions: SessionFactory) -> list[dict[str, object]]:
        async with sessions() as session:
            return [_row(s) for s in await subscribers_queries.subscribers_by_id(session, status)]

    columns = [_("id"), _("email"), _("lang"), _("networks"), _("status"), _("paused")]
    rows = load(_rows)
    print_rows(
        rows,
        as_json,
        ngettext("{n} subscriber", "{n} subscribers", len(rows)),
        [*columns, _("consent")],
        lambda r: [
            *(r[k] for k in ("id", "email", "language", "networks", "status")),
            _("yes") if r["paused"] else "",
            r["consent_source"],
        ],
    )


def _row(s: Subscriber) -> dict[str, object]:
    return {
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


def _problem(reason: str) -> str:
    """A row's or an address's problem in the operator's language when the subscription
    catalogs know it (an address our mail cannot carry); a `field: ` prefix is kept."""
    field, colon, problem = reason.partition(": ")
    if not colon:
        return subscription_gettext(cli_language(), reason)
    return f"{field}: {subscription_gettext(cli_language(), problem)}"
