"""The languages the product speaks, each named in itself, and how a code maps to one."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "ca")
DEFAULT_LANGUAGE = "en"  # the source language of every catalog
# each language named in itself, so a reader finds theirs whatever the current language
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "ca": "Català",
}


def base_language(code: str) -> str:
    """`pt-BR` → `pt`, `FR` → `fr`, `ca_ES` → `ca`; an empty or unknown code stays (lower-cased)."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


def supported(code: str | None) -> str | None:
    """Our language for a code like `pt-br` or `ca`, or None when we do not speak it."""
    if not code:
        return None
    base = base_language(code)
    return base if base in LANGUAGES else None
