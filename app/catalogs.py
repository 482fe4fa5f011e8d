"""Gettext catalogs: compile every package's `locales/*/LC_MESSAGES/*.po` and check completeness.

`python -m app.catalogs compile` (run by the Makefile) writes the `.mo` files next to the `.po`;
`python -m app.catalogs check` lists untranslated or fuzzy messages and exits 1 if any.
`python -m app.catalogs update FILE.py… DOMAIN` brings one domain's `.po` files (every language)
in line with the messages marked in the FILE.py given, keeping their translations.
`python -m app.catalogs update` alone brings every catalog's plural forms in line with the CLDR
rules of the installed Babel (see `follow_babel_plurals`); `check` reports a catalog that does not.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.catalog_plurals import (
    follow_babel_plurals,
    plural_mismatch,
    states_plural_forms,
    with_plurals_of,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "newsletter", "campaigns", "app", "web")
LANGUAGES = ("en", "fr", "es", "pt", "ca")
UPDATE = "python -m app.catalogs update"


def po_files() -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        found.extend(sorted((ROOT / package / "locales").glob("*/LC_MESSAGES/*.po")))
    return found


def load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def save(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def update_plurals() -> list[Path]:
    """Bring every catalog's plural forms in line with Babel's rules, changing only the
    Plural-Forms header and the plural translations of each file. Returns the files written."""
    written: list[Path] = []
    for po in po_files():
        catalog, text = load(po), po.read_text(encoding="utf-8")
        changed = follow_babel_plurals(catalog, po.parent.parent.name)
        if changed or not states_plural_forms(text):
            po.write_text(with_plurals_of(catalog, text), encoding="utf-8")
            written.append(po)
    return written


def compile_all(into: Path | None = None) -> int:
    """Write each catalog's `.mo` next to its `.po`, or at the same place under `into` (the
    wheel's build directory: see setup.py); skip those already newer than their `.po`.
    Returns how many were written."""
    count = 0
    for po in po_files():
        mo = (into / po.relative_to(ROOT) if into else po).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, load(po), use_fuzzy=False)
        count += 1
    return count


def missing_translations() -> list[str]:
    """One line per message that a language lacks: `file: msgid`."""
    problems: list[str] = []
    for po in po_files():
        catalog = load(po)
        if (mismatch := plural_mismatch(catalog, po.parent.parent.name)) is not None:
            problems.append(f"{po.relative_to(ROOT)}: {mismatch}")
        if not states_plural_forms(po.read_text(encoding="utf-8")):
            problems.append(f"{po.relative_to(ROOT)}: no Plural-Forms header: run {UPDATE!r}")
        for message in catalog:
            if not message.id:
                continue
            if not _translated(message.string, catalog.num_plurals) or message.fuzzy:
                problems.append(f"{po.relative_to(ROOT)}: {message.id!r}")
    return problems


KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "lazy_gettext": None,
    "__": None,
    "ngettext": (1, 2),
}
METHODS = [
    ("**/templates/**.j2", "jinja2.ext:babel_extract"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]


def marked_messages(package: str) -> set[str]:
    """Every message id marked for translation in a package's code and templates."""
    from babel.messages.extract import extract_from_dir

    found: set[str] = set()
    root = ROOT / package
    if not root.is_dir():
        return found
    options = {"**/templates/**": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), method_map=METHODS, keywords=KEYWORDS, options_map=options
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def untranslated_marked(package: str, language: str) -> list[str]:
    """Messages marked in `package` that none of its catalogs translate into `language`."""
    translated: set[str] = set()
    for po in sorted((ROOT / package / "locales" / language / "LC_MESSAGES").glob("*.po")):
        catalog = load(po)
        if plural_mismatch(catalog, language) is not None:
            continue  # written for another plural rule: none of its plurals is complete
        for m in catalog:
            if m.id and _translated(m.string, catalog.num_plurals) and not m.fuzzy:
                # a plural message is known by its singular id
                translated.add(str(m.id[0] if isinstance(m.id, tuple | list) else m.id))
    return sorted(m for m in marked_messages(package) if m not in translated)


def _translated(string: str | tuple[str, ...] | list[str] | None, forms: int = 1) -> bool:
    """Whether a message's translation is complete: a plural one needs all `forms`."""
    if isinstance(string, str) or not string:
        return bool(string)
    return len(string) >= forms and all(string)


def _known_translations(folder: Path, exclude: Path) -> dict[Any, Any]:
    """Translated messages of the other catalogs in `folder`, by message id."""
    known: dict[Any, Any] = {}
    for po in sorted(folder.glob("*.po")):
        if po != exclude:
            catalog = load(po)
            follow_babel_plurals(catalog, folder.parent.name)
            for message in catalog:
                complete = _translated(message.string, catalog.num_plurals)
                if message.id and complete and not message.fuzzy:
                    known.setdefault(message.id, message.string)
    return known


def update_domain(source: Path | Sequence[Path], domain: str) -> list[Path]:
    """Make `<package>/locales/<lang>/LC_MESSAGES/<domain>.po` hold exactly the messages marked
    in the Python file(s) `source` (of one package): new ones are added, gone ones dropped,
    translations kept. A new message takes the translation another catalog of the package
    already has for the same text (a command moved to another module keeps its translations);
    otherwise it waits untranslated (English is filled in: it is the source). Returns the files
    written."""
    from babel.messages.extract import extract_from_file

    sources = [p.resolve() for p in ([source] if isinstance(source, Path) else source)]
    package = sources[0].relative_to(ROOT).parts[0]
    marked = [
        (str(path.relative_to(ROOT)), found)
        for path in sources
        for found in extract_from_file("python", str(path), keywords=KEYWORDS)
    ]
    written: list[Path] = []
    for language in LANGUAGES:
        template = Catalog(project="aive-comms")  # a fresh one each: update() shares messages
        for where, (line, marked_id, _comments, _context) in marked:
            template.add(marked_id, locations=[(where, line)])
        po = ROOT / package / "locales" / language / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            catalog = load(po)
        else:
            catalog = Catalog(locale=language, project="aive-comms", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        follow_babel_plurals(catalog, language)
        known = _known_translations(po.parent, exclude=po)
        for message in catalog:
            if not message.id or _translated(message.string, catalog.num_plurals):
                continue
            if language == "en":  # the source language: a message is its own translation
                message.string = message.id
            elif (found := known.get(message.id)) is not None:
                message.string = found
        po.parent.mkdir(parents=True, exist_ok=True)
        save(catalog, po)
        written.append(po)
    return written


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "compile"
    if action == "compile":
        compile_all()
        return 0
    if action == "check":
        problems = missing_translations()
        for package in PACKAGES:
            for language in LANGUAGES:
                problems.extend(
                    f"{package} ({language}) lacks {message!r}"
                    for message in untranslated_marked(package, language)
                )
        for line in problems:
            print(line)  # noqa: T201
        return 1 if problems else 0
    if action == "update" and len(argv) == 1:
        for po in update_plurals():
            print(po.relative_to(ROOT))  # noqa: T201
        return 0
    if action == "update" and len(argv) >= 3:
        for po in update_domain([Path(a) for a in argv[1:-1]], argv[-1]):
            print(po.relative_to(ROOT))  # noqa: T201
        return 0
    print("usage: python -m app.catalogs compile|check|update [FILE.py… DOMAIN]")  # noqa: T201
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
