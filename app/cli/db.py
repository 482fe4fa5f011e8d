"""`aive db`: schema migrations and seed data."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.context import database, fail, run, settings_or_exit
from app.cli.i18n import N_, _

app = typer.Typer(help=N_("Database schema and reference data."), no_args_is_help=True)


@app.command(help=N_("Apply every migration, then add missing networks and series (idempotent)."))
def upgrade() -> None:
    settings = settings_or_exit()
    from storage import migrate  # Alembic: only when migrating
    from storage.seed import load_seed

    async def _go() -> None:
        async with database(settings) as sessions:
            engine = sessions.kw["bind"]
            await migrate.upgrade(engine)
            async with sessions() as session:
                report = await load_seed(session)
        # two counts in one line: the translations name each count ("networks: 2") to avoid
        # having to agree a plural with both
        typer.echo(
            _(
                "database at head; seed: {networks} networks and {series} series added",
                networks=report.networks_added,
                series=report.series_added,
            )
        )

    run(_go())


@app.command(
    help=N_(
        "Copy the database to FILE while the processes run (SQLite: its online backup; "
        "PostgreSQL: pg_dump's custom format)."
    )
)
def backup(file: Path) -> None:
    settings = settings_or_exit()
    from storage.backup import BackupError
    from storage.backup import backup as copy_out

    try:
        copy_out(settings.database_url, file)
    except BackupError as exc:
        fail(_(exc.template, **exc.values), 1)
    typer.echo(_("database copied to {file}", file=file))


@app.command(
    help=N_(
        "Replace everything in the database by FILE, a copy made by `aive db backup`. Stop "
        "the processes first."
    )
)
def restore(file: Path) -> None:
    settings = settings_or_exit()
    from storage.backup import BackupError
    from storage.backup import restore as copy_in

    try:
        copy_in(settings.database_url, file)
    except BackupError as exc:
        fail(_(exc.template, **exc.values), 1)
    typer.echo(_("database restored from {file}", file=file))
