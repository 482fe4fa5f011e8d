"""`aive config`: show the effective settings."""

from __future__ import annotations

import typer

from app.cli.context import print_json, print_table, settings_or_exit
from app.cli.i18n import N_, _

app = typer.Typer(help=N_("Configuration."), no_args_is_help=True)


@app.command(help=N_("Validate the settings and print them, secrets masked."))
def check(as_json: bool = typer.Option(False, "--json", help=N_("One JSON document."))) -> None:
    view = settings_or_exit().public_view()
    if as_json:
        print_json(view)
        return
    rows = [(f"AIVE_{name.upper()}", value) for name, value in view.items()]
    print_table(_("Effective settings"), [_("variable"), _("value")], rows)
