"""Log lines: JSON objects with the ids of the work being done, secrets masked wherever they
appear (message, arguments, traceback), text lines by default."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from app.settings import load_settings
from telemetry.logs import MASK, JsonFormatter, Redactor, TextFormatter, bound

TOKEN = "123456:AAH-secret-token"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor([TOKEN, "pw-in-url"]))
    logger = logging.getLogger("aive.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)


def test_json_lines_carry_the_bound_ids_and_mask_secrets(logged) -> None:  # type: ignore[no-untyped-def]
    logger, stream, handler = logged
    handler.setFormatter(JsonFormatter())
    with bound(update_id=42), bound(request_id="r1"):
        logger.info("calling https://api.telegram.org/bot%s/sendMessage", TOKEN)
        try:
            raise RuntimeError(f"postgresql://aive:pw-in-url@db/aive refused {TOKEN}")
        except RuntimeError:
            logger.exception("failed")
    logger.warning("after")

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        f"calling https://api.telegram.org/bot{MASK}/sendMessage",
        "failed",
        "after",
    ]
    assert (lines[0]["update_id"], lines[0]["request_id"], lines[1]["level"]) == (42, "r1", "error")
    assert "RuntimeError" in lines[1]["exc"] and MASK in lines[1]["exc"]
    assert "update_id" not in lines[2]
    assert TOKEN not in stream.getvalue() and "pw-in-url" not in stream.getvalue()


def test_text_lines_end_with_the_ids(logged) -> None:  # type: ignore[no-untyped-def]
    logger, stream, handler = logged
    handler.setFormatter(TextFormatter())
    with bound(update_id=7):
        logger.info("hello %s", TOKEN)

    assert stream.getvalue().rstrip().endswith(f"aive.test.logs: hello {MASK} update_id=7")


def test_settings_name_every_secret_value_including_url_passwords() -> None:
    settings = load_settings(
        telegram_token=TOKEN,
        sendgrid_api_key="SG.key",
        secret_key="k" * 40,
        database_url="postgresql+asyncpg://aive:db-pass@db/aive",
        redis_url="redis://:redis-pass@localhost:6379/0",
    )

    assert set(settings.secret_values()) == {TOKEN, "SG.key", "k" * 40, "db-pass", "redis-pass"}


def test_log_format_refuses_an_unknown_value() -> None:
    from app.settings import SettingsError

    with pytest.raises(SettingsError, match="AIVE_LOG_FORMAT"):
        load_settings(log_format="xml")
