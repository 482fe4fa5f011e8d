"""Plural forms that follow the CLDR data of the installed Babel.

A gettext catalog declares its plural rule in its Plural-Forms header and gives each plural
message one translation per form. When Babel's CLDR data changes a language's rule (Babel 2.19
gave French, Spanish, Portuguese and Catalan a `many` form: "1 000 000 de villes"), a catalog
written for the old rule is out of date: `plural_mismatch` says so, `follow_babel_plurals` moves
its translations to the new forms and leaves each new form empty for a translator.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Sequence

import babel
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import normalize

# CLDR's plural categories in the order gettext numbers their forms
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# numbers on which two plural rules are compared: every small count, and the large round ones
# that CLDR 46 gives a form of their own in French, Spanish, Portuguese and Catalan
SAMPLES = (*range(1001), 10**4, 10**5, 10**6, 2 * 10**6, 10**9)
PO_WIDTH = 100
PLURAL_FORMS_LINE = re.compile(r'^"Plural-Forms: [^"\n]*\\n"\n', re.MULTILINE)


def babel_plurals(language: str) -> tuple[int, str]:
    """The number of plural forms and the gettext `plural=` expression of `language` in the
    CLDR data of the installed Babel."""
    plural = get_plural(language)
    return plural.num_plurals, plural.plural_expr


def plural_categories(language: str) -> list[str]:
    """The CLDR names of `language`'s plural forms, in gettext's order (`one, many, other`)."""
    tags = Locale.parse(language).plural_form.tags | {"other"}  # Babel leaves `other` implied
    return [category for category in CATEGORIES if category in tags]


def plural_mismatch(catalog: Catalog, language: str) -> str | None:
    """Why `catalog`'s Plural-Forms header differs from Babel's rule for `language`, or None."""
    wanted = babel_plurals(language)
    if (catalog.num_plurals, catalog.plural_expr) == wanted:
        return None
    return (
        f"plural forms {catalog.plural_forms!r}, but Babel {babel.__version__} gives {language} "
        f"{wanted[0]} ({', '.join(plural_categories(language))}): "
        "run `python -m app.catalogs update`, then translate the new forms"
    )


def _reshaped(forms: Sequence[str], old_expr: str, new_expr: str, count: int) -> tuple[str, ...]:
    """The forms of a plural translation written for the rule `old_expr`, placed for `new_expr`.
    Each old form goes to the new form that most of the numbers it served now take (French
    `one`, `other` stay `one`, `other`); a form the old rule did not have stays empty, for a
    translator: copying `villes` into French `many` would print "1 000 000 villes"."""
    old, new = gettext.c2py(old_expr), gettext.c2py(new_expr)
    placed = [""] * count
    for index, text in enumerate(forms):
        served = Counter(new(n) for n in SAMPLES if old(n) == index)
        if served and not placed[target := served.most_common(1)[0][0]]:
            placed[target] = text
    return tuple(placed)


def follow_babel_plurals(catalog: Catalog, language: str) -> bool:
    """Give `catalog` the Plural-Forms of Babel's rule for `language`, moving each plural
    translation's forms to match (see `_reshaped`). Returns whether anything changed."""
    if plural_mismatch(catalog, language) is None:
        return False
    count, expr = babel_plurals(language)
    for message in catalog:
        if message.id and isinstance(message.id, tuple | list):
            strings = message.string if isinstance(message.string, tuple | list) else ()
            message.string = _reshaped(strings, catalog.plural_expr, expr, count)
    catalog.mime_headers = [("Plural-Forms", f"nplurals={count}; plural={expr};")]
    return True


def states_plural_forms(text: str) -> bool:
    """Whether the `.po` file `text` names its plural rule: without it the rule is whatever the
    installed Babel says, and a change of Babel's data would go unnoticed under its plurals."""
    return PLURAL_FORMS_LINE.search(text) is not None


def with_plurals_of(catalog: Catalog, text: str) -> str:
    """`text`, the `.po` file `catalog` was read from, with the catalog's Plural-Forms header and
    plural translations; every other line stays as it was, so that following a new rule never
    reformats a file that people (and other branches) edit by hand."""
    header = f'"Plural-Forms: {catalog.plural_forms}\\n"\n'
    text, found = PLURAL_FORMS_LINE.subn(lambda _: header, text, count=1)
    if not found:  # a hand-written header without one: first in the header's fields
        text = text.replace('msgstr ""\n', f'msgstr ""\n{header}', 1)
    plurals = iter(
        [tuple(m.string or ()) for m in catalog if m.id and isinstance(m.id, tuple | list)]
    )
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    while at < len(lines):
        if not lines[at].startswith("msgstr["):
            out.append(lines[at])
            at += 1
            continue
        while at < len(lines) and lines[at].startswith(("msgstr[", '"')):
            at += 1  # the old forms, with their continuation lines
        out.extend(
            f"msgstr[{index}] {normalize(form, width=PO_WIDTH)}\n"
            for index, form in enumerate(next(plurals))
        )
    return "".join(out)
