"""Per-recipient placeholders: an edition is rendered once, then filled in for each recipient.

The tokens use SendGrid's substitution style; the delivery helper passes them as
`substitutions`, the file outbox fills them with `fill_placeholders`. The greeting is written so
that an empty name still reads well ("Hello " + "" → "Hello").
"""

from __future__ import annotations

from html import escape

NAME = "-aive_name-"
UNSUBSCRIBE_URL = "-aive_unsubscribe_url-"
PREFERENCES_URL = "-aive_preferences_url-"

ALL: tuple[str, ...] = (NAME, UNSUBSCRIBE_URL, PREFERENCES_URL)


def fill_placeholders(
    document: str, *, name: str, unsubscribe_url: str, preferences_url: str, html: bool
) -> str:
    """Replace the three tokens; with `html=True` the values are HTML-escaped first."""
    values = {NAME: name, UNSUBSCRIBE_URL: unsubscribe_url, PREFERENCES_URL: preferences_url}
    for token, value in values.items():
        document = document.replace(token, escape(value) if html else value)
    return document
