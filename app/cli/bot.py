"""`aive bot`: run the Telegram bot (polling), or `aive bot set-webhook` to register the webhook."""

from __future__ import annotations

import asyncio

import typer

from app.cli.context import fail, settings_or_exit
from app.cli.i18n import N_, _
from app.cli.processes import start_parts

app = typer.Typer(
    help=N_("The Telegram bot (polling, or webhook handling when a secret is set)."),
    invoke_without_command=True,
)


@app.callback()
def bot(ctx: typer.Context) -> None:
    # Without a subcommand: run the bot alone (polling, or nothing to poll when
    # AIVE_TELEGRAM_WEBHOOK_SECRET is set). The group's help is the Typer's, not this function's.
    # Without a token the bot process has nothing to do: it says so once and exits 2 (`aive run`
    # runs the other parts and only logs that the bot is off).
    if ctx.invoked_subcommand is None:
        if settings_or_exit().telegram_token is None:
            fail(_("the Telegram bot cannot start: AIVE_TELEGRAM_TOKEN is not set"), 2)
        start_parts(["bot"])


@app.command(
    "set-webhook", help=N_("Tell Telegram to POST updates to our web app, with the secret token.")
)
def set_webhook(
    url: str = typer.Option(
        None, "--url", help=N_("Default: AIVE_PUBLIC_URL + /webhooks/telegram (must be HTTPS).")
    ),
) -> None:
    from aiogram.exceptions import TelegramAPIError

    from bot.config import BotConfig
    from bot.webhook import set_webhook as register

    settings = settings_or_exit()
    if settings.telegram_token is None:
        fail(_("AIVE_TELEGRAM_TOKEN is not set"), 2)
    if settings.telegram_webhook_secret is None:
        fail(
            _("AIVE_TELEGRAM_WEBHOOK_SECRET is not set: Telegram must send it with each update"), 2
        )
    try:
        target = asyncio.run(register(BotConfig.from_settings(settings), url))
    except TelegramAPIError as exc:
        fail(_("Telegram refused the webhook: {error}", error=exc))
    typer.echo(_("webhook set: {url}", url=target))
