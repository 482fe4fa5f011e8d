"""Every message the bot can say exists, translated, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.catalogs import main as catalogs_main
from app.catalogs import marked_messages, untranslated_marked
from bot.config import SUPPORTED_LANGUAGES

BOT = Path(__file__).resolve().parents[1] / "bot"


def test_the_catalog_check_passes() -> None:
    assert catalogs_main(["check"]) == 0


def test_the_source_has_messages_to_check() -> None:
    assert len(marked_messages("bot")) > 40
    assert len(marked_messages("newsletter")) > 20


@pytest.mark.parametrize("package", ["bot", "newsletter", "campaigns", "app"])
@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_marked_message_is_translated(package: str, lang: str) -> None:
    missing = untranslated_marked(package, lang)
    assert not missing, f"{package} ({lang}) lacks: {missing}"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_placeholders_survive_translation(lang: str) -> None:
    path = BOT / "locales" / lang / "LC_MESSAGES" / "bot.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    # placeholders survive translation
    for message in catalog:
        if message.id and isinstance(message.id, str):
            for name in ("{city}", "{name}", "{cities}", "{language}", "{names}", "{country}"):
                assert (name in message.id) == (name in str(message.string)), message.id


def test_a_plural_message_counts_as_translated_only_when_every_form_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    import app.catalogs

    messages = tmp_path / "pkg" / "locales" / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (tmp_path / "pkg" / "cities.py").write_text('ngettext("%(n)s city", "%(n)s cities", n)\n')
    monkeypatch.setattr(app.catalogs, "ROOT", tmp_path)

    def write(forms: tuple[str, str]) -> None:
        catalog = Catalog(locale="fr")
        catalog.add(("%(n)s city", "%(n)s cities"), forms)
        with (messages / "pkg.po").open("wb") as handle:
            write_po(handle, catalog)

    write(("%(n)s ville", "%(n)s villes"))
    assert untranslated_marked("pkg", "fr") == []
    write(("%(n)s ville", ""))
    assert untranslated_marked("pkg", "fr") == ["%(n)s city"]


def test_update_keeps_translations_adds_new_messages_and_drops_gone_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import catalogs

    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    module = tmp_path / "pkg" / "greet.py"
    module.parent.mkdir()
    module.write_text('_("Hello {name}")\nN_("Says hello.")\n_("Old message")\n')
    written = catalogs.update_domain(module, "cli_greet")
    assert {p.parent.parent.name for p in written} == set(catalogs.LANGUAGES)
    fr = tmp_path / "pkg" / "locales" / "fr" / "LC_MESSAGES" / "cli_greet.po"
    french = catalogs.load(fr)
    assert french.get("Hello {name}").string == ""  # new: waits for a translator
    french.get("Hello {name}").string = "Bonjour {name}"
    from babel.messages.pofile import write_po

    with fr.open("wb") as handle:
        write_po(handle, french)
    module.write_text('_("Hello {name}")\nN_("Says hello.")\n_("New message")\n')
    catalogs.update_domain(module, "cli_greet")
    french = catalogs.load(fr)
    assert french.get("Hello {name}").string == "Bonjour {name}"  # kept
    assert french.get("Old message") is None  # gone from the source, gone from the catalog
    assert french.get("New message").string == ""
    english = catalogs.load(tmp_path / "pkg" / "locales" / "en" / "LC_MESSAGES" / "cli_greet.po")
    assert english.get("Says hello.").string == "Says hello."  # English is the source


def test_a_message_moved_to_another_module_keeps_its_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.pofile import write_po

    from app import catalogs

    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    old = tmp_path / "pkg" / "old.py"
    old.parent.mkdir()
    old.write_text('_("Sent to {n} cities")\n')
    catalogs.update_domain(old, "cli_old")
    fr = tmp_path / "pkg" / "locales" / "fr" / "LC_MESSAGES" / "cli_old.po"
    french = catalogs.load(fr)
    french.get("Sent to {n} cities").string = "Envoyé à {n} villes"
    with fr.open("wb") as handle:
        write_po(handle, french)
    new = tmp_path / "pkg" / "new.py"
    new.write_text('_("Sent to {n} cities")\n_("Something new")\n')
    catalogs.update_domain(new, "cli_new")
    moved = catalogs.load(fr.with_name("cli_new.po"))
    assert moved.get("Sent to {n} cities").string == "Envoyé à {n} villes"
    assert moved.get("Something new").string == ""
