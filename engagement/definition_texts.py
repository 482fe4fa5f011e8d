"""The problems of a staff file (engagement.problems) in a staff member's language, for faces
that cannot import the bot (the console): the reasons' catalog is bot/locales' `definitions`."""

from __future__ import annotations

from pathlib import Path

from engagement.problems import Problem
from i18n.catalogs import Catalog

definitions = Catalog(Path(__file__).resolve().parents[1] / "bot" / "locales", "definitions")


def problem_line(problem: Problem, lang: str) -> str:
    """`path: reason` with the reason in `lang`."""
    return problem.translated(definitions.translations(lang).gettext)


def reason_text(problem: Problem, lang: str) -> str:
    """The reason alone, in `lang` (a form shows it next to its field)."""
    if problem.values is None:
        return problem.reason
    return definitions.translations(lang).gettext(problem.reason).format(**problem.values)
