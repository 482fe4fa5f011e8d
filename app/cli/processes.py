"""The long-running processes of the Procfile: run, web, scheduler, bot, worker."""

from __future__ import annotations

import asyncio

import typer

from app.cli.context import settings_or_exit
from app.parts import BOT, SCHEDULER, WEB, WORKER
from app.runtime import Part, configure_logging, run_parts


def start_parts(parts: list[Part]) -> None:
    settings = settings_or_exit()
    configure_logging()
    asyncio.run(run_parts(settings, parts))


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_all() -> None:
        """Web, scheduler, bot and workers in one process (the embedded default)."""
        start_parts([WEB, SCHEDULER, BOT, WORKER])

    @app.command("web")
    def web() -> None:
        """The web app alone (subscription pages, archive, webhooks, /healthz)."""
        start_parts([WEB])

    @app.command("scheduler")
    def scheduler() -> None:
        """The scheduler alone; with PostgreSQL only the leader runs jobs."""
        start_parts([SCHEDULER])

    @app.command("worker")
    def worker() -> None:
        """Drain the email deliveries and the chat outbox."""
        start_parts([WORKER])
