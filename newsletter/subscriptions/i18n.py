"""Languages of the subscription pages and emails: their catalog (domain `subscriptions`), the
Jinja2 environments that use it, and the choice of the visitor's language. Loading and the
environment itself are i18n's (i18n.catalogs, i18n.templates)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel.core import negotiate_locale
from jinja2 import Environment, select_autoescape

from i18n.catalogs import Catalog
from i18n.languages import LANGUAGE_NAMES, LANGUAGES, accepted_languages
from i18n.templates import environment as jinja_environment

DOMAIN = "subscriptions"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALES_DIR = PACKAGE_DIR / "locales"
TEMPLATES_DIR = PACKAGE_DIR / "templates" / "web"
catalog = Catalog(LOCALES_DIR, DOMAIN)


def gettext(lang: str, message: str, **values: object) -> str:
    return catalog.text(message, lang, **values)


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> Environment:
    """A Jinja2 environment (autoescaped) whose `_()` translates into `lang`."""
    env = jinja_environment(
        TEMPLATES_DIR, catalog.translations(lang), autoescape=select_autoescape(["html"])
    )
    env.globals["lang"] = lang
    env.globals["language_names"] = LANGUAGE_NAMES
    env.globals["languages"] = LANGUAGES
    return env


def render(lang: str, template: str, **context: object) -> str:
    return environment(lang).get_template(template).render(**context)


def choose_language(
    asked: str | None,
    accept_language: str | None,
    default: str,
    known_preference: str | None = None,
    available: Iterable[str] = LANGUAGES,
) -> str:
    """`?lang=` if we have it, else the subscriber's own language, else the browser's
    Accept-Language (negotiated with Babel), else `default`."""
    offered = list(available)
    for candidate in (asked, known_preference):
        code = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
        if code in offered:
            return code
    wanted = accepted_languages(accept_language)
    # negotiate_locale matches whole tags; offer base languages for regional ones (pt-BR → pt)
    wanted += [w.split("-")[0] for w in wanted]
    chosen = negotiate_locale(wanted, offered, sep="-") if wanted else None
    return chosen if chosen in offered else default
