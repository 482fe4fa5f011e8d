"""The long-running processes of the Procfile: run, web, scheduler, bot, worker."""

from __future__ import annotations

import asyncio

import typer

from app.cli.i18n import N_


def start_parts(names: list[str]) -> None:
    """Run the named parts (web, scheduler, bot, worker) until SIGINT/SIGTERM.

    The parts are imported here, not at module level, so that short commands such as
    `aive cities list` do not load the web app, aiogram and the scheduler.
    """
    from app.cli.context import settings_or_exit
    from app.parts import PARTS
    from app.runtime import configure_logging, run_parts

    settings = settings_or_exit()
    configure_logging()
    asyncio.run(run_parts(settings, [PARTS[name] for name in names]))


def register(app: typer.Typer) -> None:
    @app.command(
        "run", help=N_("Web, scheduler, bot and workers in one process (the embedded default).")
    )
    def run_all() -> None:
        start_parts(["web", "scheduler", "bot", "worker"])

    @app.command(
        "web", help=N_("The web app alone (subscription pages, archive, webhooks, /healthz).")
    )
    def web() -> None:
        start_parts(["web"])

    @app.command(
        "scheduler", help=N_("The scheduler alone; with PostgreSQL only the leader runs jobs.")
    )
    def scheduler() -> None:
        start_parts(["scheduler"])

    @app.command("worker", help=N_("Drain the email deliveries and the chat outbox."))
    def worker() -> None:
        start_parts(["worker"])
