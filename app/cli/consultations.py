"""`aive consultations`: create from YAML, open, close, results, export CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.context import (
    console,
    fail,
    print_json,
    print_table,
    settings_or_exit,
    with_sessions,
)
from app.cli.i18n import N_, _, cli_language, ngettext
from app.cli.output import (
    load,
    print_headline,
    print_options,
    print_rows,
    read_staff_file,
    refuse_file,
    show_report,
)
from engagement.consultations import export, invitations, lifecycle, reports
from engagement.consultations.errors import ConsultationError, DefinitionError
from engagement.consultations.results import Results
from engagement.consultations.schema import localized
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from storage.errors import NotFound

app = typer.Typer(help=N_("Consultations that member cities answer in chat."), no_args_is_help=True)

ID = Annotated[int, typer.Argument(help=N_("The consultation id (printed by create)."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]
LIST_LIMIT = 500  # the newest; older ones stay in the database and their exports


@app.command(
    help=N_("Check FILE.yaml and store it as a draft; print its id, or every error with its path.")
)
def create(
    file: Annotated[Path, typer.Argument(help=N_("The consultation YAML file."))],
    as_json: JSON = False,
) -> None:
    source = read_staff_file(file)
    settings = settings_or_exit()

    async def _create(sessions: SessionFactory) -> tuple[int, str]:
        async with sessions() as session:
            consultation = await lifecycle.create_consultation(
                session, source, actor="cli", now=utcnow()
            )
            return consultation.id, consultation.slug

    try:
        consultation_id, slug = with_sessions(settings, _create)
    except DefinitionError as exc:
        refuse_file(exc.errors, _("{file}: invalid consultation", file=file), as_json)
    if as_json:
        print_json({"ok": True, "id": consultation_id, "slug": slug})
    else:
        typer.echo(consultation_id)


@app.command("list", help=N_("Consultations, newest first: status, dates and responses."))
def list_(as_json: JSON = False) -> None:
    settings = settings_or_exit()

    async def _lines(sessions: SessionFactory) -> list[q.ConsultationLine]:
        async with sessions() as session:
            return await q.consultation_lines(session, limit=LIST_LIMIT)

    lines = load(_lines)
    language = cli_language()
    rows = [
        {
            "id": line.id,
            "slug": line.slug,
            "title": localized(line.titles, language) or line.slug,
            "status": line.status.value,
            "opens_at": line.opens_at.astimezone(settings.zone).isoformat(timespec="minutes"),
            "closes_at": line.closes_at.astimezone(settings.zone).isoformat(timespec="minutes"),
            "submitted": line.submitted,
        }
        for line in lines
    ]
    columns = [_("id"), _("slug"), _("title"), _("status"), _("opens"), _("closes")]
    print_rows(rows, as_json, _("Consultations"), [*columns, _("responses")])


def _set_status(consultation_id: int, status: ConsultationStatus) -> None:
    settings = settings_or_exit()

    from app.mail import transactional_mailer
    from storage.consultations import InvitationKind
    from web.public.answer_mail import email_links

    async def _go(sessions: SessionFactory) -> tuple[str, int, int]:
        async with sessions() as session:
            consultation = await lifecycle.set_status(session, consultation_id, status, actor="cli")
            slug = consultation.slug  # read now: sessions expire it when a write is refused
            invited = 0
            if status == ConsultationStatus.open:
                before = await q.invited_person_ids(session, consultation_id, InvitationKind.invite)
                invited = await invitations.invite_audience(
                    session,
                    consultation_id,
                    default_language=settings.default_language,
                    default_timezone=settings.timezone,
                    created_by="cli",
                )
                await session.commit()
                invited_by_email = await email_links(
                    session,
                    consultation_id,
                    InvitationKind.invite,
                    mailer=transactional_mailer(settings),
                    key=settings.signing_key(),
                    public_url=settings.public_url,
                    default_language=settings.default_language,
                    exclude=before,
                    timezone=settings.timezone,
                )
                return slug, invited, invited_by_email
            return slug, invited, 0

    try:
        slug, invited, emailed = with_sessions(settings, _go)
    except (NotFound, ConsultationError) as exc:
        fail(_("consultation {id}: {problem}", id=consultation_id, problem=exc))
    if status == ConsultationStatus.open:
        typer.echo(_("{slug}: open", slug=slug))
        typer.echo(
            ngettext(
                "{n} invitation queued (the worker sends it: aive worker)",
                "{n} invitations queued (the worker sends them: aive worker)",
                invited,
            )
        )
        if emailed:
            typer.echo(
                ngettext(
                    "{n} invitation emailed with a link to answer on the web",
                    "{n} invitations emailed with a link to answer on the web",
                    emailed,
                )
            )
    else:
        typer.echo(_("{slug}: closed", slug=slug))


@app.command(
    "open",
    help=N_("Open a consultation and invite its audience in the bot (queued in the chat outbox)."),
)
def open_(consultation_id: ID) -> None:
    _set_status(consultation_id, ConsultationStatus.open)


@app.command(help=N_("Close a consultation: no answer is accepted any more."))
def close(consultation_id: ID) -> None:
    _set_status(consultation_id, ConsultationStatus.closed)


@app.command(
    help=N_("Per question: count and % per option, averages, latest texts; the response rate.")
)
def results(
    consultation_id: ID,
    as_json: JSON = False,
    lang: Annotated[str, typer.Option(help=N_("Language of the texts."))] = "en",
    latest: Annotated[int, typer.Option(help=N_("How many recent free-text answers."))] = 5,
) -> None:

    async def _results(sessions: SessionFactory) -> Results:
        async with sessions() as session:
            return await reports.consultation_results(
                session, consultation_id, lang=lang, latest=latest
            )

    show_report(_results, as_json, _print_results)


def _print_results(found: Results) -> None:
    print_headline(
        ngettext(
            "[bold]{title}[/bold] ({slug}): {n} submitted;"
            " response rate {responded}/{eligible} = {rate}%",
            "[bold]{title}[/bold] ({slug}): {n} submitted;"
            " response rate {responded}/{eligible} = {rate}%",
            found.submitted,
            title=found.title,
            slug=found.slug,
            responded=found.responded,
            eligible=found.eligible,
            rate=found.rate,
        )
    )
    console().print(
        _(
            "submitted in the bot: {bot}; on the web: {web}",
            bot=found.channels.get("bot", 0),
            web=found.channels.get("web", 0),
        ),
        highlight=False,
    )
    if found.networks:
        print_table(
            _("Response rate per network"),
            [_("network"), _("responded"), _("eligible"), _("rate %")],
            [(n.network, n.responded, n.eligible, n.rate) for n in found.networks],
        )
    for question in found.questions:
        title = ngettext(
            "{id}: {text} ({n} answer)",
            "{id}: {text} ({n} answers)",
            question.answered,
            id=question.id,
            text=question.text,
        )
        if question.options:
            rows = [(o.id, o.text, o.count, f"{o.percent}") for o in question.options]
            print_options(title, rows)
        elif question.average is not None:
            numbers = (question.average, question.minimum, question.maximum)
            print_table(title, [_("average"), _("min"), _("max")], [numbers])
        else:
            print_table(title, [_("latest answers")], [(t,) for t in question.latest_texts])


@app.command(
    "export",
    help=N_("Write submitted responses as CSV (RFC 4180; formula-like cells get a leading ')."),
)
def export_(
    consultation_id: ID,
    out: Annotated[Path, typer.Option("--out", help=N_("The CSV file to write."))],
) -> None:

    async def _table(sessions: SessionFactory) -> list[list[str]]:
        async with sessions() as session:
            return await reports.export_table(session, consultation_id)

    lines = load(_table)
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            export.write_csv(lines, handle)
    except OSError as exc:
        fail(_("cannot write {file}: {error}", file=out, error=exc))
    typer.echo(
        ngettext(
            "{n} response written to {file}",
            "{n} responses written to {file}",
            len(lines) - 1,
            file=out,
        )
    )
