"""A subscriber's name as we keep it: one line of text, fit for a greeting and an email header."""

from __future__ import annotations

import re

MAX_LENGTH = 200
# C0 and C1 controls (line breaks, tab, NUL, escape…) and the Unicode line separators
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_control(text: str) -> bool:
    """True when `text` holds a control character (PostgreSQL refuses NUL in text, and a line
    break in a name would end an email header)."""
    return CONTROL.search(text) is not None


def subscriber_name(value: str | None) -> str | None:
    """The name without surrounding spaces, None when empty. ValueError (one English sentence)
    when it holds a line break or another control character, or is too long."""
    name = (value or "").strip()
    if has_control(name):
        raise ValueError("contains a line break or another control character")
    if len(name) > MAX_LENGTH:
        raise ValueError(f"longer than {MAX_LENGTH} characters")
    return name or None
