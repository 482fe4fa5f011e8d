"""The problems of a staff file in the reader's language: each `path: reason` line with the
reason translated by the `definitions` catalog (bot/locales), the one the bot reads them with
(`bot.staff_files.problem_lines`), so the console and the bot say the same."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engagement.problems import Problem
from i18n.catalogs import Catalog

DEFINITIONS = Catalog(Path(__file__).resolve().parents[1] / "bot" / "locales", "definitions")


def problem_lines(problems: Sequence[Problem], lang: str) -> list[str]:
    """Each problem as one line in `lang`; the path and the file's own values untranslated."""
    gettext = DEFINITIONS.translations(lang).gettext
    return [problem.translated(gettext) for problem in problems]
