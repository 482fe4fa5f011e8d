"""The long-running processes of the Procfile: run, web, scheduler, bot, worker."""

from __future__ import annotations

import asyncio

import typer

from app.cli.context import settings_or_exit
from app.parts import BOT, SCHEDULER, WEB, WORKER
from app.runtime import Part, configure_logging, run_parts


def _start(parts: list[Part]) -> None:
    settings = settings_or_exit()
    configure_logging()
    asyncio.run(run_parts(settings, parts))


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_all() -> None:
        """Web, scheduler, bot and workers in one process (the embedded default)."""
        _start([WEB, SCHEDULER, BOT, WORKER])

    @app.command("web")
    def web() -> None:
        """The web app alone (subscription pages, archive, webhooks, /healthz)."""
        _start([WEB])

    @app.command("scheduler")
    def scheduler() -> None:
        """The scheduler alone; with PostgreSQL only the leader runs jobs."""
        _start([SCHEDULER])

    @app.command("bot")
    def bot() -> None:
        """The Telegram bot alone (polling, or webhook handling when a secret is set)."""
        _start([BOT])

    @app.command("worker")
    def worker() -> None:
        """Drain the email deliveries and the chat outbox."""
        _start([WORKER])
