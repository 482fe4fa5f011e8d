"""`aive polls`: create a poll from YAML (queued to its audience), list, results."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from app.cli.context import console, print_json, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from app.cli.output import (
    Row,
    load,
    print_headline,
    print_options,
    print_rows,
    read_staff_file,
    refuse_file,
    show_report,
)
from engagement.polls import service
from engagement.polls.errors import PollDefinitionError
from engagement.polls.results import PollResults
from i18n.times import staff_time
from storage import polls_queries as q
from storage.engine import SessionFactory

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
    source = read_staff_file(file)
    settings = settings_or_exit()

    async def _create(sessions: SessionFactory) -> service.CreatedPoll:
        async with sessions() as session:
            return await service.create_poll(
                session, source, actor="cli", default_language=settings.default_language
            )

    try:
        created = with_sessions(settings, _create)
    except PollDefinitionError as exc:
        refuse_file(exc.errors, _("{file}: invalid poll", file=file), as_json)
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

    async def _polls(sessions: SessionFactory) -> list[dict[str, object]]:
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

    def shown(row: Row) -> list[object]:  # staff read the secretariat's time, named; JSON: UTC
        closes = staff_time(datetime.fromisoformat(str(row["closes_at"])), settings.zone)
        return [*list(row.values())[:-1], closes]

    columns = (_("id"), _("slug"), _("status"), _("audience"), _("anonymous"), _("closes at"))
    print_rows(load(_polls), as_json, _("Polls"), columns, shown)


@app.command(
    help=N_("Counts and % per option, merged across languages; per network (non-anonymous polls).")
)
def results(
    poll_id: Annotated[int, typer.Argument(help=N_("The poll id (printed by create)."))],
    as_json: JSON = False,
    lang: Annotated[str, typer.Option(help=N_("Language of the texts."))] = "en",
) -> None:

    async def _results(sessions: SessionFactory) -> PollResults:
        async with sessions() as session:
            return await service.poll_results(session, poll_id, lang=lang)

    show_report(_results, as_json, _print_results)


def _print_results(found: PollResults) -> None:
    print_headline(
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
        )
    )
    print_options(_("Options"), [(o.id, o.text, o.count, f"{o.percent:g}") for o in found.options])
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
