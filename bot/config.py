"""What the bot needs from the settings, as plain values (the bot never imports app/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from i18n.languages import LANGUAGES

SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES


class BotSettings(Protocol):
    """The shape of app.settings.Settings the bot reads."""

    telegram_token: SecretStr | None
    telegram_api_url: str
    telegram_webhook_secret: SecretStr | None
    redis_url: str | None
    public_url: str
    default_language: str
    timezone: str
    youth_media_dir: Path

    @property
    def staff_ids(self) -> tuple[int, ...]: ...

    def signing_key(self) -> str: ...


@dataclass(frozen=True)
class BotConfig:
    token: str
    api_url: str = "https://api.telegram.org"
    webhook_secret: str | None = None
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8080"
    default_language: str = "en"
    timezone: str = "Europe/Madrid"  # the secretariat's, for people who did not give theirs
    signing_key: str = "dev"
    staff_ids: tuple[int, ...] = ()
    # the console's copies of youth photos and voice notes (/forget deletes them)
    youth_media_dir: Path | None = None
    # per-user flood control: a burst of `flood_burst` updates, then one per `flood_interval` s
    flood_burst: int = 8
    flood_interval: float = 1.0
    # button taps are cheap and answered at once: someone tapping through a multi-choice
    # question (two taps a second) is not a flood; a script is (more than 5 a second)
    tap_burst: int = 30
    tap_interval: float = 0.2

    @classmethod
    def from_settings(cls, settings: BotSettings) -> BotConfig:
        """Raise ValueError when the token is not set (the caller checks first)."""
        if settings.telegram_token is None:
            raise ValueError("AIVE_TELEGRAM_TOKEN is not set")
        secret = settings.telegram_webhook_secret
        return cls(
            token=settings.telegram_token.get_secret_value(),
            api_url=settings.telegram_api_url,
            webhook_secret=secret.get_secret_value() if secret else None,
            redis_url=settings.redis_url,
            public_url=settings.public_url,
            default_language=settings.default_language,
            timezone=settings.timezone,
            signing_key=settings.signing_key(),
            staff_ids=settings.staff_ids,
            youth_media_dir=settings.youth_media_dir,
        )

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url}/webhooks/telegram"
