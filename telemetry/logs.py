"""Log lines for people (text, the default) or for machines (`AIVE_LOG_FORMAT=json`: one JSON
object a line), with the update, delivery or request being handled, and never a secret.

Ids are bound for a block of work with `bound(update_id=...)` (a context variable, so every
line logged inside, by any library, carries them). `Redactor` replaces each secret value
(the bot token, the SendGrid key, the secret key, a password in a URL) by `***` in every line,
whoever logs it: a library echoing a URL with the bot token in its path included.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_IDS: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "aive_log_ids", default=None
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
MIN_SECRET = 4  # shorter values would mask ordinary words


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Add `ids` (update_id, delivery_id, edition_id, request_id…) to every line logged inside."""
    token = _IDS.set({**(_IDS.get() or {}), **ids})
    try:
        yield
    finally:
        _IDS.reset(token)


def current_ids() -> dict[str, object]:
    return dict(_IDS.get() or {})


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the bound ids,
    and the traceback as `exc` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "aive_ids", None) or current_ids())
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The usual text line, with the bound ids at the end (`update_id=42`)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = getattr(record, "aive_ids", None) or current_ids()
        if ids:
            text += " " + " ".join(f"{key}={value}" for key, value in ids.items())
        return text


class Redactor(logging.Filter):
    """Masks each secret value in the record's message, arguments and traceback text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.mask(message), None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        record.exc_info = None  # formatted (and masked) above
        record.aive_ids = current_ids()
        return True


def configure(
    json_lines: bool = False, secrets: Iterable[str] = (), level: int = logging.INFO
) -> logging.Handler:
    """Log to stderr in text or JSON, secrets masked; returns the handler installed."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    handler.addFilter(Redactor(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    return handler
