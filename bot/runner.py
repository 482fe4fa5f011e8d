"""`serve_bot(ctx, stop)`: the bot part of `aive run` / `aive bot`.

Polling until `stop` is set; with AIVE_TELEGRAM_WEBHOOK_SECRET there is nothing to poll:
updates arrive through the web app (bot.webhook) and this part only waits. Before polling the bot
asks Telegram who it is: a refused token or an unreachable Bot API server is a `BotCannotStart`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError

from bot.config import BotConfig, BotSettings
from bot.session import make_bot
from bot.start_errors import BotApiUnreachable, TokenRefused
from storage.engine import SessionFactory

log = logging.getLogger(__name__)


class BotContext(Protocol):
    """The shape of app.context.AppContext the bot needs."""

    @property
    def settings(self) -> BotSettings: ...

    @property
    def sessions(self) -> SessionFactory: ...


async def serve_bot(ctx: BotContext, stop: asyncio.Event) -> None:
    config = BotConfig.from_settings(ctx.settings)
    if config.webhook_secret:
        log.info("Telegram bot in webhook mode: updates arrive on %s", config.webhook_url)
        await stop.wait()
        return
    bot = make_bot(config.token, config.api_url)
    try:
        await check_token(bot, config.api_url)
        from bot.dispatcher import build_dispatcher  # every feature: once Telegram said yes

        await poll_until(dp=build_dispatcher(config, ctx.sessions), bot=bot, stop=stop)
    finally:
        await bot.session.close()


async def check_token(bot: Bot, api_url: str) -> None:
    """Ask Telegram who the bot is (aiogram keeps the answer); `BotCannotStart` if it cannot."""
    try:
        await bot.me()
    except TelegramUnauthorizedError as exc:
        raise TokenRefused(exc.message) from exc
    except TelegramNetworkError as exc:
        raise BotApiUnreachable(api_url, exc.message) from exc


async def poll_until(dp: Dispatcher, bot: Bot, stop: asyncio.Event) -> None:
    """Long-poll Telegram until `stop` is set; each update is handled in its own task."""
    from bot.commands import publish_menu

    try:
        await publish_menu(bot, dp["i18n"])
    except TelegramAPIError as exc:
        log.warning("could not publish the command menu: %s", exc)
    polling = asyncio.create_task(
        dp.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=dp.resolve_used_update_types(),
        )
    )
    stopper = asyncio.create_task(stop.wait())
    log.info("Telegram bot polling %s", bot.session.api.base.split("/bot")[0])
    await asyncio.wait([polling, stopper], return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        with contextlib.suppress(RuntimeError):  # polling had not started yet
            await dp.stop_polling()
        await polling
    stopper.cancel()
    polling.result()  # a polling that failed on its own makes the part fail
