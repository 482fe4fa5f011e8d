"""The root `aive` command: the processes, and each command group loaded when it is used."""

from __future__ import annotations

import typer

from app.cli import processes
from app.cli.i18n import N_, cli_language, translate_help
from app.cli.lazy_group import LazyGroup, Subgroup


class AiveGroup(LazyGroup):
    # each group's help is its Typer's own (tests/app/cli/test_cli_start.py checks it)
    subgroups = (
        Subgroup("db", "app.cli.db:app", N_("Database schema and reference data.")),
        Subgroup("config", "app.cli.config:app", N_("Configuration.")),
        Subgroup("staff", "app.cli.staff:app", N_("Secretariat staff.")),
        Subgroup("cities", "app.cli.cities:app", N_("Member cities.")),
        Subgroup("feeds", "app.cli.feeds:app", N_("Activity feeds of cities and networks.")),
        Subgroup("items", "app.cli.feeds:items_app", N_("Items collected from the feeds.")),
        Subgroup(
            "consultations",
            "app.cli.consultations:app",
            N_("Consultations that member cities answer in chat."),
        ),
        Subgroup("polls", "app.cli.polls:app", N_("Native Telegram polls sent to an audience.")),
        Subgroup(
            "cafes", "app.cli.cafes:app", N_("Virtual cafés: schedule, invite, remind, report.")
        ),
        Subgroup("demo", "app.cli.demo:app", N_("Example data for a first local run.")),
        Subgroup(
            "subscribers", "app.cli.subscribers:app", N_("Email subscribers of the bulletins.")
        ),
        Subgroup(
            "bot",
            "app.cli.bot:app",
            N_("The Telegram bot (polling, or webhook handling when a secret is set)."),
        ),
        Subgroup(
            "bulletin",
            "app.cli.bulletin_group:app",
            N_("Bulletin editions: compose, edit, preview, approve."),
        ),
        Subgroup(
            "broadcast",
            "app.cli.broadcast:app",
            N_("Chat broadcasts through the rate-limited outbox."),
        ),
        Subgroup(
            "campaign",
            "app.cli.campaign_group:app",
            N_("The International Day of Educating Cities (30 November): campaign timeline."),
        ),
    )


app = typer.Typer(
    name="aive",
    cls=AiveGroup,
    help=N_("AIVE Comms: bulletins, consultations, cafés and campaigns of the IAEC."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
processes.register(app)


# Typer's own help texts on the root command, marked here so that our catalogs translate them.
TYPER_HELP = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


def translated_command() -> AiveGroup:
    """The `aive` command with its help texts in the operator's language (its groups' too,
    as each loads)."""
    command = typer.main.get_command(app)
    assert isinstance(command, AiveGroup)
    command.language = cli_language()
    translate_help(command, command.language)
    return command


def main() -> None:
    translated_command()()
