"""Settings read once from the environment (or `.env`) and passed down as values.

Every name here is part of the operator contract (shared/CONTRACT.md).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from i18n.languages import LANGUAGES

SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES
SECRET_FIELDS = frozenset(
    {"telegram_token", "telegram_webhook_secret", "sendgrid_api_key", "secret_key"}
)
NOT_ECHOED = SECRET_FIELDS | {"sendgrid_webhook_public_key"}  # a key is too long for one line
PRODUCTION_SECRET_BYTES = 32


class SettingsError(Exception):
    """A setting is invalid; `str()` is one line naming the variable and the problem."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AIVE_", env_file=".env", extra="ignore", validate_default=True
    )

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///var/aive.db"
    redis_url: str | None = None
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    sendgrid_api_key: SecretStr | None = None
    sendgrid_host: str = "https://api.sendgrid.com"
    sendgrid_webhook_public_key: str | None = None
    outbox_dir: Path = Path("var/outbox")
    kit_dir: Path = Path("var/kits")
    # young people's photos and voice notes, fetched from Telegram once for the console's
    # moderators; deleted with their author (/forget)
    youth_media_dir: Path = Path("var/youth-media")
    mail_from: str = "AIVE <bulletin@example.org>"
    public_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    # several `aive web` processes on one port (SO_REUSEPORT: the kernel spreads connections)
    web_reuse_port: bool = False
    web_read_timeout: float = Field(default=30.0, gt=0, le=600)
    secret_key: SecretStr | None = None
    timezone: str = "Europe/Madrid"
    default_language: str = "en"
    staff_telegram_ids: str = ""
    test_database_url: str | None = None
    feeds_interval_minutes: int = Field(default=30, ge=1)
    # fetch feeds on loopback and private addresses too (a local feed server; never in production)
    feeds_allow_private_addresses: bool = False
    trusted_proxy: bool = False
    # /subscribe requests one visitor (an address, an IPv6 /64) may make per window
    subscribe_limit: int = Field(default=5, ge=1, le=10_000)
    subscribe_window_minutes: int = Field(default=10, ge=1, le=24 * 60)
    # Telegram's limits for one bot token; with several workers, divide between them.
    broadcast_per_second: int = Field(default=30, ge=1, le=1000)
    broadcast_group_per_minute: int = Field(default=20, ge=1, le=1000)
    # `json`: one JSON object a log line (production); `text`: for people at a terminal
    log_format: Literal["text", "json"] = "text"
    # where every process writes its Prometheus samples for /metrics (PROMETHEUS_MULTIPROC_DIR
    # wins when set); all processes of one installation must share it
    metrics_dir: Path = Path("var/metrics")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(an async SQLAlchemy URL)"
            )
        return value

    @field_validator("telegram_api_url", "sendgrid_host", "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value or None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown IANA time zone, e.g. Europe/Madrid") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("staff_telegram_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(f"{part!r} is not a numeric Telegram user id")
        return value

    @field_validator("telegram_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        # aiogram's own rule for a token (`<bot id>:<secret>`), checked before it is imported
        token = value.get_secret_value() if value is not None else ""
        bot_id, _colon, secret = token.partition(":")
        if token and (any(c.isspace() for c in token) or not (bot_id.isdigit() and secret)):
            raise ValueError("must be the token @BotFather gave, shaped like 123456:ABC-def…")
        return value or None

    @field_validator("sendgrid_webhook_public_key")
    @classmethod
    def _webhook_public_key(cls, value: str | None) -> str | None:
        key = "".join((value or "").split())
        if key and not _is_p256_public_key(key):
            raise ValueError(
                "must be the base64 ECDSA P-256 public key of SendGrid's signed Event Webhook "
                "(Mail Settings, Signed Event Webhook Requests)"
            )
        return key or None

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.env != "production":
            return self
        if self.secret_key is None:
            raise ValueError("AIVE_SECRET_KEY is required when AIVE_ENV=production")
        if len(self.secret_key.get_secret_value().encode()) < PRODUCTION_SECRET_BYTES:
            raise ValueError(
                f"AIVE_SECRET_KEY must be at least {PRODUCTION_SECRET_BYTES} bytes when "
                "AIVE_ENV=production (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        if not self.public_url.startswith("https://"):
            raise ValueError(
                "AIVE_PUBLIC_URL must be an https:// URL when AIVE_ENV=production "
                "(unsubscribe links must be HTTPS, RFC 8058)"
            )
        return self

    @property
    def staff_ids(self) -> tuple[int, ...]:
        parts = (p.strip() for p in self.staff_telegram_ids.split(","))
        return tuple(int(p) for p in parts if p)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def signing_key(self) -> str:
        """The key that signs tokens; in development it is generated once into var/."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = Path("var/secret_key")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def secret_values(self) -> list[str]:
        """Every secret value (tokens, keys, passwords inside URLs): never to be logged."""
        values = [
            secret.get_secret_value()
            for secret in (getattr(self, name) for name in sorted(SECRET_FIELDS))
            if secret is not None
        ]
        for url in (self.database_url, self.redis_url or ""):
            password = urlsplit(url).password
            if password:
                values.append(password)
        return values

    def public_view(self) -> dict[str, object]:
        """Effective settings with secrets masked, for `aive config check`."""
        view: dict[str, object] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in SECRET_FIELDS:
                view[name] = None if value is None else "********"
            elif isinstance(value, Path):
                view[name] = str(value)
            else:
                view[name] = value
        view["database_url"] = _mask_password(self.database_url)
        if self.redis_url:
            view["redis_url"] = _mask_password(self.redis_url)
        return view


def _is_p256_public_key(key: str) -> bool:
    """True when `key` is base64 of a DER public key on the P-256 curve, as SendGrid gives."""
    # cryptography (which the sendgrid library verifies with) loads only when a key is set
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        public_key = load_der_public_key(base64.b64decode(key, validate=True))
    except (binascii.Error, ValueError, TypeError):
        return False
    return isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
        public_key.curve, ec.SECP256R1
    )


def _mask_password(url: str) -> str:
    """`url` with its password, if any, shown as `***` (as SQLAlchemy renders it)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with one line naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error.get("loc") or ()
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        value = error.get("input")
        if not loc:  # a rule across settings: its message names the variables
            raise SettingsError(message) from None
        hidden = loc[0] in NOT_ECHOED or isinstance(value, dict)
        shown = "" if hidden else f" (got {value!r})"
        raise SettingsError(f"AIVE_{str(loc[0]).upper()}: {message}{shown}") from None
