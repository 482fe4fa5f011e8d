"""`aive consultations`: create from YAML, open, close, results, export CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from app.cli.context import console, fail, print_json, settings_or_exit, with_sessions
from bot.engagement.consultations import export, invitations, reports, service
from bot.engagement.consultations.errors import ConsultationError, DefinitionError
from bot.engagement.consultations.results import Results
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from storage.errors import NotFound

app = typer.Typer(help="Consultations that member cities answer in chat.", no_args_is_help=True)

ID = Annotated[int, typer.Argument(help="The consultation id (printed by create).")]
JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command()
def create(
    file: Annotated[Path, typer.Argument(help="The consultation YAML file.")],
    as_json: JSON = False,
) -> None:
    """Check FILE.yaml and store it as a draft; print its id, or every error with its path."""
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}", 2)
    settings = settings_or_exit()

    async def _create(sessions: SessionFactory) -> tuple[int, str]:
        async with sessions() as session:
            consultation = await service.create_consultation(session, source, actor="cli")
            return consultation.id, consultation.slug

    try:
        consultation_id, slug = with_sessions(settings, _create)
    except DefinitionError as exc:
        if as_json:
            print_json({"ok": False, "errors": exc.errors})
            raise typer.Exit(1) from None
        fail(f"{file}: invalid consultation\n" + "\n".join(exc.errors))
    if as_json:
        print_json({"ok": True, "id": consultation_id, "slug": slug})
    else:
        typer.echo(consultation_id)


def _set_status(consultation_id: int, status: ConsultationStatus) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> tuple[str, int]:
        async with sessions() as session:
            consultation = await service.set_status(session, consultation_id, status, actor="cli")
            invited = 0
            if status == ConsultationStatus.open:
                invited = await invitations.invite_audience(
                    session,
                    consultation_id,
                    default_language=settings.default_language,
                    created_by="cli",
                )
            return consultation.slug, invited

    try:
        slug, invited = with_sessions(settings, _go)
    except (NotFound, ConsultationError) as exc:
        fail(f"consultation {consultation_id}: {exc}")
    typer.echo(f"{slug}: {status.value}")
    if status == ConsultationStatus.open:
        typer.echo(f"{invited} invitations queued (the worker sends them: aive worker)")


@app.command("open")
def open_(consultation_id: ID) -> None:
    """Open a consultation and invite its audience in the bot (queued in the chat outbox)."""
    _set_status(consultation_id, ConsultationStatus.open)


@app.command()
def close(consultation_id: ID) -> None:
    """Close a consultation: no answer is accepted any more."""
    _set_status(consultation_id, ConsultationStatus.closed)


@app.command()
def results(
    consultation_id: ID,
    as_json: JSON = False,
    lang: Annotated[str, typer.Option(help="Language of the texts.")] = "en",
    latest: Annotated[int, typer.Option(help="How many recent free-text answers.")] = 5,
) -> None:
    """Per question: count and % per option, averages, latest texts; the response rate."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> Results:
        async with sessions() as session:
            return await reports.consultation_results(
                session, consultation_id, lang=lang, latest=latest
            )

    try:
        found = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        print_json(found.to_json())
        return
    _print_results(found)


def _print_results(found: Results) -> None:
    console.print(
        f"[bold]{found.title}[/bold] ({found.slug}): {found.submitted} submitted; "
        f"response rate {found.responded}/{found.eligible} = {found.rate}%",
        highlight=False,
    )
    if found.networks:
        table = Table(title="Response rate per network")
        for column in ("network", "responded", "eligible", "rate %"):
            table.add_column(column)
        for n in found.networks:
            table.add_row(n.network, str(n.responded), str(n.eligible), f"{n.rate}")
        console.print(table)
    for question in found.questions:
        table = Table(title=f"{question.id}: {question.text} ({question.answered} answers)")
        if question.options:
            for column in ("option", "text", "count", "%"):
                table.add_column(column)
            for o in question.options:
                table.add_row(o.id, o.text, str(o.count), f"{o.percent}")
        elif question.average is not None:
            for column in ("average", "min", "max"):
                table.add_column(column)
            table.add_row(str(question.average), str(question.minimum), str(question.maximum))
        else:
            table.add_column("latest answers")
            for text in question.latest_texts:
                table.add_row(text)
        console.print(table)


@app.command("export")
def export_(
    consultation_id: ID,
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
) -> None:
    """Write submitted responses as CSV (RFC 4180; formula-like cells get a leading ')."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[list[str]]:
        async with sessions() as session:
            return await reports.export_table(session, consultation_id)

    try:
        lines = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            export.write_csv(lines, handle)
    except OSError as exc:
        fail(f"cannot write {out}: {exc}")
    typer.echo(f"{len(lines) - 1} responses written to {out}")
