"""`aive config`: show the effective settings."""

from __future__ import annotations

import typer

from app.cli.context import print_json, print_table, settings_or_exit

app = typer.Typer(help="Configuration.", no_args_is_help=True)


@app.command()
def check(as_json: bool = typer.Option(False, "--json", help="One JSON document.")) -> None:
    """Validate the settings and print them, secrets masked."""
    view = settings_or_exit().public_view()
    if as_json:
        print_json(view)
        return
    rows = [(f"AIVE_{name.upper()}", value) for name, value in view.items()]
    print_table("Effective settings", ["variable", "value"], rows)
