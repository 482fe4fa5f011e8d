"""`aive db`: schema migrations and seed data."""

from __future__ import annotations

import typer

from app.cli.context import database, run, settings_or_exit
from storage import migrate
from storage.seed import load_seed

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply every migration, then add missing networks and series (idempotent)."""
    settings = settings_or_exit()

    async def _go() -> None:
        async with database(settings) as sessions:
            engine = sessions.kw["bind"]
            await migrate.upgrade(engine)
            async with sessions() as session:
                report = await load_seed(session)
        typer.echo(
            f"database at head; seed: {report.networks_added} networks and "
            f"{report.series_added} series added"
        )

    run(_go())
