"""The command line's language: its messages and help texts in the operator's language.

The language is the first one we speak among the usual locale variables (`LANGUAGE`, `LC_ALL`,
`LC_MESSAGES`, `LANG`, as gettext reads them), else `AIVE_DEFAULT_LANGUAGE`, else English.
Each command module keeps its messages in its own domain,
`app/locales/<lang>/LC_MESSAGES/cli_<module>.po`, so modules are translated side by side;
lookups go through every CLI domain of the language.

Mark a message shown when a command runs with `_()` (or `ngettext()` when it counts something);
mark a help text, which is read when the command tree is built, with `N_()`: `aive` translates
the root's help texts when it starts (`translated_command()`) and a command group's when the
group loads (app/cli/lazy_group.py). The catalog check
(`python -m app.catalogs check`) finds any message left untranslated.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from i18n.catalogs import chained
from i18n.languages import LANGUAGES

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: dict[str, str] | None = None) -> str:
    """The operator's language: the locale variables first (`LANGUAGE` may list several, e.g.
    `ca:es`), then AIVE_DEFAULT_LANGUAGE; English when none of them is one we speak."""
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if not value:
            continue
        for candidate in value.split(":"):
            code = candidate.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
        if variable != "LANGUAGE":  # the first set one of LC_ALL, LC_MESSAGES, LANG decides
            break
    default = env.get("AIVE_DEFAULT_LANGUAGE", "").lower()
    return default if default in LANGUAGES else "en"


def translations(lang: str) -> gettext.NullTranslations:
    """Every compiled CLI domain of `lang`, chained (English needs none: it is the source)."""
    return chained(LOCALES, "cli_*.mo", lang)


def _(message: str, **values: Any) -> str:
    """`message` in the operator's language; `{name}` fields filled from `values`."""
    translated = translations(cli_language()).gettext(message)
    return translated.format(**values) if values else translated


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """The singular or plural form for `n` in the operator's language; `{n}` is filled too."""
    translated = translations(cli_language()).ngettext(singular, plural, n)
    return translated.format(n=n, **values)


def N_(message: str) -> str:  # gettext's name for "mark now, translate later"
    """Mark a help text for translation; it is translated when its command group loads."""
    return message


def _help_places(command: Any) -> Iterator[tuple[Any, str]]:
    """(object, attribute) of every help text in a click command tree: the commands' help,
    short help and epilog, and their parameters' help."""
    for attribute in ("help", "short_help", "epilog"):
        if getattr(command, attribute, None):
            yield command, attribute
    for parameter in getattr(command, "params", ()):
        if getattr(parameter, "help", None):
            yield parameter, "help"
    for sub in getattr(command, "commands", {}).values():
        yield from _help_places(sub)


def translate_help(command: Any, lang: str | None = None) -> None:
    """Translate, in place, the help texts of a click command, its options and subcommands."""
    catalog = translations(lang or cli_language())
    for holder, attribute in _help_places(command):
        setattr(holder, attribute, catalog.gettext(getattr(holder, attribute)))


def help_texts(command: Any) -> set[str]:
    """Every help text of a click command tree (what `--help` can show), lazily loaded
    groups loaded (app/cli/lazy_group.py)."""
    _load_every_group(command)
    return {getattr(holder, attribute) for holder, attribute in _help_places(command)}


def _load_every_group(command: Any) -> None:
    if not hasattr(command, "list_commands"):
        return
    ctx = command.context_class(command)
    for name in command.list_commands(ctx):
        _load_every_group(command.get_command(ctx, name))
