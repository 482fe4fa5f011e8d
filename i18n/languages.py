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


def accepted_languages(header: str | None) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first (by `q`, then by
    order); `*` and tags with `q=0` left out. `fr-CH, fr;q=0.9, en;q=0.8` → fr-CH, fr, en."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag.strip() != "*" and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]
