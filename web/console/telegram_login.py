"""The Telegram Login Widget's data, checked as Telegram documents: the HMAC-SHA-256 of the
sorted `key=value` lines (all fields but `hash`) under SHA-256(bot token) must equal `hash`,
and `auth_date` must be recent."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

MAX_AGE = timedelta(days=1)


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def widget_hash(fields: Mapping[str, str], bot_token: str) -> str:
    secret = hashlib.sha256(bot_token.encode()).digest()
    return hmac.new(secret, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def verified_telegram_id(
    fields: Mapping[str, str], bot_token: str, now: datetime, max_age: timedelta = MAX_AGE
) -> int | None:
    """The Telegram user id the widget vouches for; None for a wrong hash, an old or future
    `auth_date`, or a malformed field."""
    sent = fields.get("hash", "")
    if not sent or not hmac.compare_digest(sent, widget_hash(fields, bot_token)):
        return None
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user_id = int(fields["id"])
    except (KeyError, ValueError, OverflowError, OSError):
        return None
    if not (now - max_age <= auth_date <= now + timedelta(minutes=5)):
        return None
    return user_id
