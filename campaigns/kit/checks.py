"""Check a built kit the way its users would: every file there, posts within their platform's
limit, cards at their exact size, a calendar that parses, a CSV with the expected header, an
email small enough not to be clipped, and an index that links everything."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from icalendar import Calendar
from PIL import Image, UnidentifiedImageError

from campaigns.kit.builder import CSV_HEADER, INDEX, LANGUAGE_FILES, language_index
from campaigns.kit.cards import SQUARE, WIDE
from campaigns.kit.content import KIT_LANGUAGES
from campaigns.kit.posts import RULES, Platform, post_length

EMAIL_CLIP_BYTES = 102 * 1024  # Gmail clips larger HTML messages
CARD_SIZES = {"card_square": SQUARE, "card_wide": WIDE}


def check_kit(out_dir: Path, languages: Sequence[str] = KIT_LANGUAGES) -> list[str]:
    """One line per problem found in the kit at `out_dir`; empty when the kit passes."""
    problems: list[str] = []
    if not (out_dir / INDEX).is_file():
        problems.append(f"{INDEX} is missing")
    for language in languages:
        page = language_index(language)
        index_text = (out_dir / page).read_text("utf-8") if (out_dir / page).is_file() else ""
        if not index_text:
            problems.append(f"{page} is missing")
        if not (out_dir / f"{language}.zip").is_file():
            problems.append(f"{language}.zip is missing")
        for kind, name in LANGUAGE_FILES.items():
            path = f"{language}/{name}"
            target = out_dir / path
            if not target.is_file() or target.stat().st_size == 0:
                problems.append(f"{path} is missing or empty")
                continue
            if index_text and f'href="{html.escape(path)}"' not in index_text:
                problems.append(f"{page} does not link {path}")
            problems.extend(f"{path}: {p}" for p in _check_file(kind, target, language))
    return problems


def _check_file(kind: str, path: Path, language: str) -> list[str]:
    if kind.startswith("post_"):
        platform = Platform(kind.removeprefix("post_"))
        length = post_length(platform, path.read_text("utf-8").rstrip("\n"))
        limit = RULES[platform].limit
        return [f"{length} > {limit} for {RULES[platform].name}"] if length > limit else []
    if kind in CARD_SIZES:
        try:
            with Image.open(path) as image:
                size, image_format = image.size, image.format
        except (UnidentifiedImageError, OSError):
            return ["not an image"]
        expected = CARD_SIZES[kind]
        problems = [] if image_format == "PNG" else [f"{image_format} instead of PNG"]
        return problems + ([f"size {size} instead of {expected}"] if size != expected else [])
    if kind == "calendar":
        return _check_calendar(path)
    if kind == "activities_csv":
        header = next(csv.reader(io.StringIO(path.read_text("utf-8"))), [])
        return [] if tuple(header) == CSV_HEADER else [f"header {header} is not {CSV_HEADER}"]
    if kind == "email_html":
        problems = []
        if path.stat().st_size >= EMAIL_CLIP_BYTES:
            problems.append(f"{path.stat().st_size} bytes: Gmail clips from {EMAIL_CLIP_BYTES}")
        if "[[aive:" in path.read_text("utf-8"):
            problems.append("a per-recipient placeholder that no city can fill")
        return problems
    return []


def _check_calendar(path: Path) -> list[str]:
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except ValueError as error:
        return [f"does not parse: {error}"]
    starts = [e.decoded("dtstart") for e in calendar.walk("VEVENT")]
    days = [s for s in starts if isinstance(s, date) and (s.month, s.day) == (11, 30)]
    return [] if days else ["no event on 30 November"]
