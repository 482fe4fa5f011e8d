"""The one Jinja2 environment factory: templates from a folder, gettext's `_()` installed.

Every environment trims block lines (`trim_blocks`, `lstrip_blocks`) and has the i18n
extension with new-style gettext (`{{ _("Hello %(name)s", name=n) }}`, escaped like any
value); `translations` is the catalog `_()` reads (English when None). What differs between
templates (which names autoescape, strict undefined, a `finalize`) is a keyword.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined


def environment(
    templates: Path,
    translations: gettext.NullTranslations | None = None,
    *,
    autoescape: bool | Callable[[str | None], bool] = True,
    strict: bool = False,
    **options: Any,
) -> Environment:
    """A Jinja2 environment over the folder `templates` whose `_()` translates with
    `translations`; `strict` makes an undefined name an error instead of an empty string.
    Other `options` go to `jinja2.Environment` (e.g. `finalize`, `keep_trailing_newline`)."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=autoescape,
        undefined=StrictUndefined if strict else Undefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations or gettext.NullTranslations(), newstyle=True
    )
    return env
