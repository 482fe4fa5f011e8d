"""A staff file's problems in the staff member's language, for faces other than the bot (the
bot reads the same catalog: the gettext domain `definitions` in bot/locales)."""

from __future__ import annotations

from pathlib import Path

from engagement.problems import Problem
from i18n.catalogs import Catalog

catalog = Catalog(Path(__file__).resolve().parents[1] / "bot" / "locales", "definitions")


def explain(problem: Problem, lang: str) -> str:
    """`path: reason` with the reason in `lang` (the path stays: it names the file's field)."""
    return problem.translated(catalog.translations(lang).gettext)


def reason(problem: Problem, lang: str) -> str:
    """Only the reason, in `lang` (a form shows it next to the field the path names)."""
    template = problem.reason
    if problem.values is None:
        return template
    return catalog.translations(lang).gettext(template).format(**problem.values)
