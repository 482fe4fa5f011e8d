"""The long-running processes of the Procfile: run, web, scheduler, bot, worker."""

from __future__ import annotations

import asyncio

import typer

from app.cli.context import settings_or_exit


def start_parts(names: list[str]) -> None:
    """Run the named parts (web, scheduler, bot, worker) until SIGINT/SIGTERM.

    The parts are imported here, not at module level, so that short commands such as
    `aive cities list` do not load the web app, aiogram and the scheduler.
    """
    from app.parts import PARTS
    from app.runtime import configure_logging, run_parts

    settings = settings_or_exit()
    configure_logging()
    asyncio.run(run_parts(settings, [PARTS[name] for name in names]))


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_all() -> None:
        """Web, scheduler, bot and workers in one process (the embedded default)."""
        start_parts(["web", "scheduler", "bot", "worker"])

    @app.command("web")
    def web() -> None:
        """The web app alone (subscription pages, archive, webhooks, /healthz)."""
        start_parts(["web"])

    @app.command("scheduler")
    def scheduler() -> None:
        """The scheduler alone; with PostgreSQL only the leader runs jobs."""
        start_parts(["scheduler"])

    @app.command("worker")
    def worker() -> None:
        """Drain the email deliveries and the chat outbox."""
        start_parts(["worker"])
