"""`aive polls`: create a poll from YAML (queued to its audience), list, results."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from app.cli.context import console, fail, print_json, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from engagement.polls import service
from engagement.polls.errors import PollDefinitionError
from engagement.polls.results import PollResults
from engagement.reader_time import staff_time
from storage import poll_queries as q
from storage.engine import SessionFactory
from storage.errors import NotFound

app = typer.Typer(help=N_("Native Telegram polls sent to an audience."), no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]


@app.command(
    help=N_(
        "Check FILE.yaml, store the poll and queue it for its audience; print its id, or every "
        "error with its path (exit 1)."
    )
)
def create(
    file: Annotated[Path, typer.Argument(help=N_("The poll YAML file."))],
    as_json: JSON = False,
) -> None:
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {error}", file=file, error=exc), 2)
    settings = settings_or_exit()

    async def _create(sessions: SessionFactory) -> service.CreatedPoll:
        async with sessions() as session:
            return await service.create_poll(
                session, source, actor="cli", default_language=settings.default_language
            )

    try:
        created = with_sessions(settings, _create)
    except PollDefinitionError as exc:
        if as_json:
            print_json({"ok": False, "errors": exc.errors})
            raise typer.Exit(1) from None
        fail("\n".join([_("{file}: invalid poll", file=file), *exc.errors]))
    if as_json:
        print_json(
            {
                "ok": True,
                "id": created.id,
                "slug": created.slug,
                "recipients": created.recipients,
                "closes_at": created.closes_at.isoformat(),
            }
        )
        return
    typer.echo(created.id)
    typer.echo(
        ngettext(
            "{slug}: queued for {n} person (the worker sends it: aive worker); closes {closes} UTC",
            "{slug}: queued for {n} people (the worker sends them: aive worker); "
            "closes {closes} UTC",
            created.recipients,
            slug=created.slug,
            closes=f"{created.closes_at:%Y-%m-%d %H:%M}",
        ),
        err=True,
    )


@app.command("list", help=N_("The latest polls, newest first."))
def list_(as_json: JSON = False) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        async with sessions() as session:
            return [
                {
                    "id": p.id,
                    "slug": p.slug,
                    "status": p.status.value,
                    "audience": p.audience,
                    "anonymous": p.is_anonymous,
                    "closes_at": p.closes_at.isoformat(),
                }
                for p in await q.latest_polls(session, limit=50)
            ]

    rows = with_sessions(settings, _go)
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("Polls"))
    for column in (_("id"), _("slug"), _("status"), _("audience"), _("anonymous"), _("closes at")):
        table.add_column(column)
    for row in rows:  # staff read the secretariat's time, named; JSON keeps UTC
        row["closes_at"] = staff_time(datetime.fromisoformat(str(row["closes_at"])), settings.zone)
        table.add_row(*(str(v) for v in row.values()))
    console().print(table)


@app.command(
    help=N_("Counts and % per option, merged across languages; per network (non-anonymous polls).")
)
def results(
    poll_id: Annotated[int, typer.Argument(help=N_("The poll id (printed by create)."))],
    as_json: JSON = False,
    lang: Annotated[str, typer.Option(help=N_("Language of the texts."))] = "en",
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> PollResults:
        async with sessions() as session:
            return await service.poll_results(session, poll_id, lang=lang)

    try:
        found = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        print_json(found.to_json())
        return
    console().print(
        ngettext(
            "[bold]{question}[/bold] (#{id} {slug}, {status}): {n} answered; "
            "sent {sent}, stopped {stopped}",
            "[bold]{question}[/bold] (#{id} {slug}, {status}): {n} answered; "
            "sent {sent}, stopped {stopped}",
            found.voters,
            question=found.question,
            id=found.id,
            slug=found.slug,
            status=found.status,
            sent=found.sent,
            stopped=found.stopped,
        ),
        highlight=False,
    )
    table = Table(title=_("Options"))
    for column in (_("option"), _("text"), _("count"), "%"):
        table.add_column(column)
    for o in found.options:
        table.add_row(o.id, o.text, str(o.count), f"{o.percent:g}")
    console().print(table)
    if found.networks:
        table = Table(title=_("Per network"))
        table.add_column(_("network"))
        table.add_column(_("answered"))
        for o in found.options:
            table.add_column(o.id)
        for n in found.networks:
            table.add_row(
                n.network, str(n.voters), *(f"{o.count} ({o.percent:g}%)" for o in n.options)
            )
        console().print(table)
    elif found.anonymous:
        console().print(_("anonymous poll: no breakdown per network"))
