"""The root Typer application; each command group lives in its own module."""

from __future__ import annotations

from typing import Any

import typer

from app.cli import (
    bot,
    broadcast,
    bulletin,
    bulletin_edit,
    bulletin_status,
    cafes,
    campaign,
    campaign_day,
    cities,
    config,
    consultations,
    db,
    delivery,
    demo,
    feeds,
    polls,
    processes,
    series,
    staff,
    subscribers,
)
from app.cli.i18n import N_, translate_help

app = typer.Typer(
    name="aive",
    help=N_("AIVE Comms: bulletins, consultations, cafés and campaigns of the IAEC."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(config.app, name="config")
app.add_typer(staff.app, name="staff")
app.add_typer(cities.app, name="cities")
app.add_typer(feeds.app, name="feeds")
app.add_typer(feeds.items_app, name="items")
app.add_typer(consultations.app, name="consultations")
app.add_typer(polls.app, name="polls")
app.add_typer(cafes.app, name="cafes")
app.add_typer(demo.app, name="demo")
app.add_typer(subscribers.app, name="subscribers")
app.add_typer(bot.app, name="bot")
bulletin_edit.register(bulletin.app)
bulletin_status.register(bulletin.app)
delivery.register(bulletin.app)
bulletin.app.add_typer(series.app, name="series")
app.add_typer(bulletin.app, name="bulletin")
app.add_typer(broadcast.app, name="broadcast")
campaign.app.add_typer(campaign_day.app)  # declaration, report, kit
app.add_typer(campaign.app, name="campaign")
processes.register(app)


# Typer's own help texts on the root command, marked here so that our catalogs translate them.
TYPER_HELP = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


def translated_command() -> Any:
    """The `aive` command tree with its help texts in the operator's language."""
    command = typer.main.get_command(app)
    translate_help(command)
    return command


def main() -> None:
    translated_command()()
