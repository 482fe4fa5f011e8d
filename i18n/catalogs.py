"""The one gettext catalog loader.

A catalog is `<locale_dir>/<lang>/LC_MESSAGES/<domain>.mo`, compiled from its `.po` by
`python -m app.catalogs compile` (`make catalogs`). The files stay in their package's
`locales/` folder; callers name the folder and the domain.

When a compiled catalog is missing, the reader gets the English source strings and the log
gets one warning per domain and language. Why not an error: a reply, a page or an email in
English serves the reader, an exception serves no one (and a send half done is worse); the
catalog check in CI (`python -m app.catalogs check`, tests/test_catalogs.py) and the warning
are where a missing catalog is caught. A language we do not speak reads English without warning.
"""

from __future__ import annotations

import functools
import gettext
import logging
from pathlib import Path

from i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, supported

log = logging.getLogger(__name__)


@functools.cache
def translations(locale_dir: Path, domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalog `domain` of `lang` (`pt-BR` reads `pt`) under `locale_dir`;
    a language we do not speak reads English. When the catalog is not compiled: the English
    source strings, and one warning in the log."""
    return _load(locale_dir, domain, supported(lang) or DEFAULT_LANGUAGE)


@functools.cache
def chained(locale_dir: Path, pattern: str, lang: str) -> gettext.NullTranslations:
    """Every compiled domain of `lang` whose file name matches `pattern` (`cli_*.mo`), looked
    up in turn (the command line keeps one domain per module); English when there is none."""
    code = supported(lang) or DEFAULT_LANGUAGE
    chain = gettext.NullTranslations()
    for mo in sorted((locale_dir / code / "LC_MESSAGES").glob(pattern)):
        domain = _load(locale_dir, mo.stem, code)
        domain.add_fallback(chain)
        chain = domain
    return chain


def _load(locale_dir: Path, domain: str, code: str) -> gettext.NullTranslations:
    try:
        # gettext.translation hands out a copy of its cached catalog: chaining it is safe
        return gettext.translation(domain, localedir=locale_dir, languages=[code])
    except FileNotFoundError:
        if (
            code != DEFAULT_LANGUAGE
            or (locale_dir / code / "LC_MESSAGES" / f"{domain}.po").exists()
        ):
            _warn_once(locale_dir, domain, code)
        return gettext.NullTranslations()


@functools.cache
def _warn_once(locale_dir: Path, domain: str, code: str) -> None:
    log.warning(
        "no compiled catalog %s (%s) in %s: reading English; run `python -m app.catalogs compile`",
        domain,
        code,
        locale_dir,
    )


def missing_catalogs(locale_dir: Path, domain: str) -> list[str]:
    """The languages whose `.po` of `domain` has no compiled `.mo` next to it."""
    return [
        lang
        for lang in LANGUAGES
        if (locale_dir / lang / "LC_MESSAGES" / f"{domain}.po").exists()
        and not (locale_dir / lang / "LC_MESSAGES" / f"{domain}.mo").exists()
    ]


class Catalog:
    """One gettext domain in one folder: `text(message, lang, **values)` reads `message` in
    `lang` with its `%(name)s` fields filled. Mark messages with a module-level
    `_ = catalog.text` (or `catalog.text(...)`); `python -m app.catalogs check` finds any
    message left untranslated."""

    def __init__(self, locale_dir: Path, domain: str) -> None:
        self.locale_dir = locale_dir
        self.domain = domain

    def translations(self, lang: str) -> gettext.NullTranslations:
        return translations(self.locale_dir, self.domain, lang)

    def text(self, message: str, lang: str, **values: object) -> str:
        translated = self.translations(lang).gettext(message)
        return translated % values if values else translated

    def plural(self, singular: str, plural: str, n: int, lang: str, **values: object) -> str:
        translated = self.translations(lang).ngettext(singular, plural, n)
        return translated % values if values else translated
