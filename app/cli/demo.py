"""`aive demo`: example data for a newcomer's first run (used by `make run` only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from app.cli.context import settings_or_exit, with_sessions
from app.cli.i18n import N_, _

if TYPE_CHECKING:
    from app.demo import DemoReport
    from storage.engine import SessionFactory

app = typer.Typer(help=N_("Example data for a first local run."), no_args_is_help=True)


@app.command(help=N_("Load example cities and feeds when the database has no feed source yet."))
def load() -> None:
    settings = settings_or_exit()
    from app.demo import load_demo  # the whole product: only when loading

    async def _go(sessions: SessionFactory) -> DemoReport:
        return await load_demo(settings, sessions)

    report = with_sessions(settings, _go)
    if not report.loaded:
        typer.echo(_("demo: the database already has feed sources; nothing loaded"))
        return
    typer.echo(
        _(
            "demo: {cities} example cities, {sources} feeds, {items} items, {cafes} virtual café, "
            "{consultations} open consultation and {editions} bulletins loaded; "
            "open {public_url}/archive/",
            cities=report.cities,
            sources=report.sources,
            items=report.items,
            cafes=report.cafes,
            consultations=report.consultations,
            editions=report.editions,
            public_url=settings.public_url,
        )
    )
