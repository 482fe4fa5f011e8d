"""The long-running processes of the Procfile: run, web, scheduler, bot, worker.

A process that cannot work says why in one line and exits non-zero: 2 when a setting is invalid
(checked before anything heavy is imported), 1 when a part cannot start or fails (the port is
taken, Telegram refuses the token); `PartFailed` is turned into that line here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import typer

from app.cli.i18n import N_, _

if TYPE_CHECKING:
    from app.runtime import PartFailed

log = logging.getLogger(__name__)


def start_parts(names: list[str]) -> None:
    """Run the named parts (web, scheduler, bot, worker) until SIGINT/SIGTERM.

    The settings are read first, then the parts are imported: a bad setting answers at once,
    and short commands such as `aive cities list` never load the web app, aiogram or the
    scheduler.
    """
    from app.cli.context import fail, settings_or_exit

    settings = settings_or_exit()
    from telemetry import multiproc

    multiproc.prepare(settings.metrics_dir)  # before prometheus_client is imported
    from app.parts import PARTS
    from app.runtime import PartFailed, configure_logging, run_parts

    configure_logging(settings)
    try:
        asyncio.run(run_parts(settings, [PARTS[name] for name in names]))
    except PartFailed as failed:
        fail(why_it_stopped(failed), 1)


def why_it_stopped(failed: PartFailed) -> str:
    """One line, in the operator's language, for a part that could not start or failed."""
    from app.runtime import CannotListen
    from bot.start_errors import BotApiUnreachable, TokenRefused

    error = failed.error
    if isinstance(error, CannotListen):
        return _(
            "the web app cannot listen on {host}:{port} (AIVE_WEB_HOST, AIVE_WEB_PORT): {reason}",
            host=error.host,
            port=error.port,
            reason=error.reason,
        )
    if isinstance(error, TokenRefused):
        return _(
            "the Telegram bot cannot start: Telegram refused AIVE_TELEGRAM_TOKEN ({reason})",
            reason=error,
        )
    if isinstance(error, BotApiUnreachable):
        return _(
            "the Telegram bot cannot start: no answer from {url} ({reason})",
            url=error.url,
            reason=error.reason,
        )
    log.error("%s failed", failed.part, exc_info=error)  # not foreseen: the traceback helps
    return _("{part} failed, so the process stopped: {error}", part=failed.part, error=failed.error)


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
