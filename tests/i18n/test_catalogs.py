"""The one catalog loader: a reader gets their language, English when we do not speak theirs,
English and one warning in the log when a catalog was never compiled."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo

from i18n import catalogs
from i18n.catalogs import Catalog, missing_catalogs

DOMAIN = "greetings"


def _compile(folder: Path, lang: str, text: str) -> None:
    po = PoCatalog(locale=lang)
    po.add("Good morning, %(name)s", text)
    target = folder / lang / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{DOMAIN}.po").write_text("# source\n")
    with (target / f"{DOMAIN}.mo").open("wb") as handle:
        write_mo(handle, po)


def test_a_reader_reads_their_language_with_the_fields_filled(tmp_path: Path) -> None:
    _compile(tmp_path, "fr", "Bonjour, %(name)s")
    catalog = Catalog(tmp_path, DOMAIN)
    assert catalog.text("Good morning, %(name)s", "fr-BE", name="Ana") == "Bonjour, Ana"


def test_a_language_we_do_not_speak_reads_english_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _compile(tmp_path, "fr", "Bonjour, %(name)s")
    with caplog.at_level(logging.WARNING, logger="i18n.catalogs"):
        text = Catalog(tmp_path, DOMAIN).text("Good morning, %(name)s", "de", name="Ana")
    assert text == "Good morning, Ana"
    assert caplog.records == []


def test_a_catalog_never_compiled_reads_english_and_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _compile(tmp_path, "es", "Buenos días, %(name)s")
    (tmp_path / "es" / "LC_MESSAGES" / f"{DOMAIN}.mo").unlink()
    catalog = Catalog(tmp_path, DOMAIN)
    with caplog.at_level(logging.WARNING, logger="i18n.catalogs"):
        first = catalog.text("Good morning, %(name)s", "es", name="Ana")
        catalogs.translations.cache_clear()  # even when loaded again, the log says it once
        again = catalog.text("Good morning, %(name)s", "es", name="Luis")
    assert (first, again) == ("Good morning, Ana", "Good morning, Luis")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "greetings (es)" in warnings[0] and "python -m app.catalogs compile" in warnings[0]
    assert missing_catalogs(tmp_path, DOMAIN) == ["es"]


def test_chained_domains_are_all_read_and_the_cached_catalog_stays_alone(tmp_path: Path) -> None:
    _compile(tmp_path, "ca", "Bon dia, %(name)s")
    other = tmp_path / "ca" / "LC_MESSAGES"
    shutil.copy(other / f"{DOMAIN}.mo", other / "cli_one.mo")
    po = PoCatalog(locale="ca")
    po.add("Goodbye", "Adéu")
    with (other / "cli_two.mo").open("wb") as handle:
        write_mo(handle, po)
    chain = catalogs.chained(tmp_path, "cli_*.mo", "ca")
    assert (chain.gettext("Good morning, %(name)s"), chain.gettext("Goodbye")) == (
        "Bon dia, %(name)s",
        "Adéu",
    )
    alone = catalogs.translations(tmp_path, "cli_two", "ca")
    assert alone.gettext("Good morning, %(name)s") == "Good morning, %(name)s"
