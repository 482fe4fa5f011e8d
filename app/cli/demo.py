"""`aive demo`: example data for a newcomer's first run (used by `make run` only)."""

from __future__ import annotations

import typer

from app.cli.context import settings_or_exit, with_sessions
from app.demo import DemoReport, load_demo
from storage.engine import SessionFactory

app = typer.Typer(help="Example data for a first local run.", no_args_is_help=True)


@app.command()
def load() -> None:
    """Load example cities and feeds when the database has no feed source yet."""
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> DemoReport:
        return await load_demo(settings, sessions)

    report = with_sessions(settings, _go)
    if not report.loaded:
        typer.echo("demo: the database already has feed sources; nothing loaded")
        return
    typer.echo(
        f"demo: {report.cities} example cities, {report.sources} feeds, {report.items} items, "
        f"{report.cafes} virtual café, {report.consultations} open consultation and "
        f"{report.editions} bulletins loaded; open {settings.public_url}/archive/"
    )
