"""`aive cafes`: schedule from YAML (and invite the audience), reschedule, list, report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, cast
from urllib.parse import urlsplit

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from app.settings import Settings
from engagement.cafes import jobs, report, service
from engagement.cafes.definition import CafeDefinitionError
from engagement.cafes.schema import load_cafe
from engagement.reader_time import staff_time
from storage import consultation_queries as q
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.errors import NotFound

app = typer.Typer(help=N_("Virtual cafés: schedule, invite, remind, report."), no_args_is_help=True)

ID = Annotated[int, typer.Argument(help=N_("The café id (printed by create)."))]
JSON = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document."))]


@app.command(
    help=N_("Schedule the café in FILE.yaml (the same slug updates it) and invite its audience.")
)
def create(
    file: Annotated[Path, typer.Argument(help=N_("The café YAML file."))],
    as_json: JSON = False,
    invite: Annotated[
        bool, typer.Option("--invite/--no-invite", help=N_("Invite the audience now."))
    ] = True,
) -> None:
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {error}", file=file, error=exc), 2)
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> dict[str, object]:
        async with sessions() as session:
            definition = load_cafe(source, file.parent, await q.all_network_slugs(session))
            now = utcnow()
            done = await service.schedule(session, definition, actor="cli", now=now)
            invited = 0
            if invite:
                invited = await jobs.invite_audience(
                    session,
                    done.cafe,
                    now=now,
                    default_timezone=settings.timezone,
                    default_language=settings.default_language,
                    created_by="cli",
                )
            return {
                "ok": True,
                "id": done.cafe.id,
                "slug": done.cafe.slug,
                "created": done.created,
                "rescheduled": done.moved,
                "evaluation_id": done.cafe.evaluation_id,
                "invited": invited,
            }

    try:
        result = with_sessions(settings, _go)
    except CafeDefinitionError as exc:
        if as_json:
            print_json({"ok": False, "errors": exc.errors})
            raise typer.Exit(1) from None
        fail("\n".join([_("{file}: invalid café", file=file), *exc.errors]))
    if as_json:
        print_json(result)
        return
    typer.echo(result["id"])
    invited = cast(int, result["invited"])
    if result["created"]:
        done = ngettext(
            "{slug}: scheduled; {n} invitation queued",
            "{slug}: scheduled; {n} invitations queued",
            invited,
            slug=result["slug"],
        )
    else:
        done = ngettext(
            "{slug}: updated; {n} invitation queued",
            "{slug}: updated; {n} invitations queued",
            invited,
            slug=result["slug"],
        )
    typer.echo(done, err=True)


@app.command(
    help=N_("Move a café; reminders not yet sent follow the new time, none is sent twice.")
)
def reschedule(
    cafe_id: ID,
    start: Annotated[
        str,
        typer.Option(
            "--start", help=N_("New start, ISO 8601 with offset, e.g. 2026-11-18T17:00+01:00")
        ),
    ],
) -> None:
    try:
        starts_at = datetime.fromisoformat(start)
    except ValueError:
        fail(_("--start: {value} is not an ISO 8601 date and time", value=repr(start)), 2)
    if starts_at.tzinfo is None:
        fail(_("--start: give a UTC offset, e.g. 2026-11-18T17:00+01:00"), 2)
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> tuple[str, str, int]:
        async with sessions() as session:
            cafe, told = await jobs.reschedule_and_tell(
                session,
                cafe_id,
                starts_at.astimezone(UTC),
                actor="cli",
                now=utcnow(),
                default_timezone=settings.timezone,
                default_language=settings.default_language,
                host=urlsplit(settings.public_url).hostname or "aive.local",
            )
            return cafe.slug, cafe.starts_at.isoformat(), told

    try:
        slug, moved_to, told = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    typer.echo(_("{slug}: starts at {start}", slug=slug, start=moved_to))
    typer.echo(
        ngettext(
            "{n} person registered or waiting told, with the new calendar file",
            "{n} people registered or waiting told, with the new calendar file",
            told,
        ),
        err=True,
    )


@app.command("list", help=N_("The latest cafés with their seats."))
def list_(as_json: JSON = False) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        async with sessions() as session:
            return [
                {
                    "id": c.id,
                    "slug": c.slug,
                    "starts_at": c.starts_at.isoformat(),
                    "capacity": c.capacity,
                    "registered": c.seats_taken,
                }
                for c in await service.latest_cafes(session, limit=50)
            ]

    rows = with_sessions(settings, _go)
    if as_json:
        print_json(rows)
        return
    keys = ["id", "slug", "starts_at", "capacity", "registered"]
    columns = [_("id"), _("slug"), _("starts at"), _("capacity"), _("registered")]
    for row in rows:  # staff read the secretariat's time, named; JSON keeps UTC
        row["starts_at"] = staff_time(datetime.fromisoformat(str(row["starts_at"])), settings.zone)
    print_table(_("Cafés"), columns, [[r[k] for k in keys] for r in rows])


@app.command(
    "report",
    help=N_(
        "Registrations, waiting list, attendance, evaluation averages, countries, networks,"
        " speakers' gender balance."
    ),
)
def report_(
    cafe_id: ID,
    as_json: JSON = False,
    lang: Annotated[str, typer.Option(help=N_("Language of the texts."))] = "en",
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> report.CafeReport:
        async with sessions() as session:
            return await report.cafe_report(session, cafe_id, lang=lang)

    try:
        found = with_sessions(settings, _go)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        print_json(found.to_json())
        return
    _print(found, settings)


def _print(found: report.CafeReport, settings: Settings) -> None:
    start = staff_time(found.starts_at, settings.zone)
    print_table(
        f"{found.title} (#{found.id}, {found.slug}), {start}",
        [
            _("capacity"),
            _("registered"),
            _("waiting"),
            _("left"),
            _("attended"),
            _("attendance %"),
            _("evaluations"),
        ],
        [
            [
                found.capacity,
                found.registered,
                found.waiting,
                found.left,
                found.attended,
                found.attendance_rate,
                found.evaluations_submitted,
            ]
        ],
    )
    if found.averages:
        rows = [[a.question, a.text, a.average, a.answers] for a in found.averages]
        columns = [_("question"), _("text"), _("average"), _("answers")]
        print_table(_("Evaluation averages"), columns, rows)
    for title, counts in (
        (_("Participants' countries"), found.countries),
        (_("Participants' networks"), found.networks),
        (_("Speakers by self-declared gender"), found.speaker_genders),
        (_("Speakers' countries"), found.speaker_countries),
    ):
        if counts:
            print_table(title, ["", _("count")], [[k, v] for k, v in counts.items()])
