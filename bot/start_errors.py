"""Why the bot cannot start (bot.runner raises them); light to import, for whoever reports it."""

from __future__ import annotations


class BotCannotStart(Exception):
    """The bot cannot start: Telegram refused the token, or its Bot API server did not answer."""


class TokenRefused(BotCannotStart):
    """Telegram answered that the bot token is not valid (revoked, or mistyped)."""


class BotApiUnreachable(BotCannotStart):
    """No answer from the Bot API server at `url`."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"no answer from {url}: {reason}")
        self.url, self.reason = url, reason
