"""What the console needs from the composition root, as values (web never imports app)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from newsletter.subscriptions.mailer import Mailer
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from storage.engine import SessionFactory


@dataclass(frozen=True)
class ConsoleConfig:
    sessions: SessionFactory
    mailer: Mailer
    public_url: str
    signing_key: str
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Madrid"))
    default_language: str = "en"
    telegram_token: str | None = None
    # the bot's username (for the Telegram Login Widget), asked of Telegram when first needed
    bot_username: Callable[[], Awaitable[str | None]] | None = None
    trusted_proxy: bool = False
    idle_timeout: timedelta = timedelta(hours=2)
    absolute_timeout: timedelta = timedelta(hours=12)
    link_lifetime: timedelta = timedelta(minutes=15)
    # sign-in attempts: per visitor and per address asked for
    sign_in_limiter: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(5, 15 * 60)
    )

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


CONSOLE = web.AppKey("console", ConsoleConfig)


def console_config(request: web.Request) -> ConsoleConfig:
    return request.app[CONSOLE]
