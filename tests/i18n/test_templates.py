"""The one Jinja2 environment factory: `_()` in the reader's language, values escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from jinja2 import UndefinedError

from i18n.catalogs import translations
from i18n.formatting import long_date, number
from i18n.templates import environment


def test_a_template_speaks_the_language_it_was_made_for(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('<p>{{ _("Hello %(name)s", name=name) }}</p>\n')
    po = Catalog(locale="pt")
    po.add("Hello %(name)s", "Olá %(name)s")
    (tmp_path / "pt" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "pt" / "LC_MESSAGES" / "pages.mo").open("wb") as handle:
        write_mo(handle, po)
    env = environment(tmp_path, translations(tmp_path, "pages", "pt"))
    assert env.get_template("page.html").render(name="<b>Zé</b>") == (
        "<p>Olá &lt;b&gt;Zé&lt;/b&gt;</p>"
    )
    english = environment(tmp_path)
    assert english.get_template("page.html").render(name="Ann") == "<p>Hello Ann</p>"


def test_a_strict_environment_refuses_a_missing_value(tmp_path: Path) -> None:
    (tmp_path / "mail.txt").write_text("Dear {{ name }}")
    with pytest.raises(UndefinedError):
        environment(tmp_path, strict=True).get_template("mail.txt").render()
    assert environment(tmp_path).get_template("mail.txt").render() == "Dear "


def test_dates_and_numbers_are_written_as_the_reader_writes_them() -> None:
    from datetime import date

    assert long_date(date(2026, 11, 30), "fr") == "30 novembre 2026"
    assert long_date(date(2026, 11, 30), "de") == "30. November 2026"
    assert long_date(date(2026, 11, 30), "de", ours_only=True) == "November 30, 2026"
    assert long_date(date(2026, 11, 30), "xx-unknown") == "November 30, 2026"
    assert number(12345, "en") == "12,345" and number(12345, "es") == "12.345"
