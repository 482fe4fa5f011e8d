"""The root Typer application; each command group lives in its own module."""

from __future__ import annotations

import typer

from app.cli import consultations

app = typer.Typer(
    name="aive",
    help="AIVE Comms: bulletins, consultations, cafés and campaigns of the IAEC.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(consultations.app, name="consultations")


def main() -> None:
    app()
