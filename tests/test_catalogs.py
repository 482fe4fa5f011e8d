"""Every message the bot can say exists, translated, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from app.catalog_plurals import plural_categories
from app.catalogs import load, marked_messages, po_files, untranslated_marked
from app.catalogs import main as catalogs_main
from bot.config import SUPPORTED_LANGUAGES

BOT = Path(__file__).resolve().parents[1] / "bot"
APP = Path(__file__).resolve().parents[1] / "app"


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
    forms = tuple(f"%(n)s ville ({name})" for name in plural_categories("fr"))

    def write(strings: tuple[str, ...]) -> None:
        catalog = Catalog(locale="fr")
        catalog.add(("%(n)s city", "%(n)s cities"), strings)
        with (messages / "pkg.po").open("wb") as handle:
            write_po(handle, catalog)

    write(forms)
    assert untranslated_marked("pkg", "fr") == []
    write((*forms[:-1], ""))
    assert untranslated_marked("pkg", "fr") == ["%(n)s city"]


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_catalog_has_the_plural_forms_of_the_installed_babel(lang: str) -> None:
    count, expr = get_plural(lang)[:2]
    for po in po_files():
        if po.parent.parent.name != lang:
            continue
        catalog = load(po)
        assert (catalog.num_plurals, catalog.plural_expr) == (count, expr), po
        for message in catalog:
            if isinstance(message.id, tuple | list):
                assert len(message.string) == count and all(message.string), (po, message.id)


def test_french_counts_a_million_cities_with_de() -> None:
    import gettext

    catalogs_main(["compile"])
    french = gettext.translation("cli_cities", APP / "locales", ["fr"])
    said = {n: french.ngettext("{n} member city", "{n} member cities", n) for n in (1, 2, 10**6)}
    assert said == {1: "{n} ville membre", 2: "{n} villes membres", 10**6: "{n} de villes membres"}


def test_a_catalog_written_for_an_older_plural_rule_is_reported_and_update_fixes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When Babel's CLDR data gives a language a new plural form, `check` says which catalog
    and `update` moves the existing forms into place, leaving the new one to a translator."""
    from app import catalogs

    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    monkeypatch.setattr(catalogs, "PACKAGES", ("pkg",))
    monkeypatch.setattr(catalogs, "LANGUAGES", ("fr",))
    po = tmp_path / "pkg" / "locales" / "fr" / "LC_MESSAGES" / "pkg.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        "# kept as it is\n"
        'msgid "Hello"\nmsgstr "Bonjour"\n\n'
        'msgid "{n} city"\nmsgid_plural "{n} cities"\n'
        'msgstr[0] "{n} ville"\nmsgstr[1] "{n} villes"\n',
        encoding="utf-8",
    )
    assert catalogs.main(["check"]) == 1
    assert "pkg/locales/fr/LC_MESSAGES/pkg.po: plural forms" in capsys.readouterr().out

    assert catalogs.main(["update"]) == 0
    updated = catalogs.load(po)
    count, expr = get_plural("fr")[:2]
    assert (updated.num_plurals, updated.plural_expr) == (count, expr)
    forms = dict(zip(plural_categories("fr"), updated.get("{n} city").string, strict=True))
    assert forms.pop("one") == "{n} ville"
    assert forms.pop("other") == "{n} villes"
    assert set(forms.values()) == {""}  # Babel's new forms wait for a translator
    assert '# kept as it is\nmsgid "Hello"\nmsgstr "Bonjour"\n' in po.read_text()
    assert catalogs.main(["check"]) == 1  # until they are translated
    assert catalogs.main(["update"]) == 0
    assert catalogs.load(po).get("{n} city").string == updated.get("{n} city").string


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


def test_a_catalog_that_does_not_name_its_plural_rule_is_reported_and_update_names_babels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import catalogs

    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    monkeypatch.setattr(catalogs, "PACKAGES", ("pkg",))
    monkeypatch.setattr(catalogs, "LANGUAGES", ("es",))
    po = tmp_path / "pkg" / "locales" / "es" / "LC_MESSAGES" / "pkg.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "Hello"\nmsgstr "Hola"\n')
    assert catalogs.main(["check"]) == 1
    assert "pkg.po: no Plural-Forms header" in capsys.readouterr().out
    assert catalogs.main(["update"]) == 0
    count, expr = get_plural("es")[:2]
    assert f'"Plural-Forms: nplurals={count}; plural={expr};\\n"' in po.read_text()
    assert catalogs.main(["check"]) == 0


def test_a_message_of_a_package_that_moved_out_is_checked_in_its_old_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    import app.catalogs

    (tmp_path / "engagement").mkdir()
    (tmp_path / "engagement" / "cafes.py").write_text('_("The café is full.", lang)\n')
    messages = tmp_path / "bot" / "locales" / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    monkeypatch.setattr(app.catalogs, "ROOT", tmp_path)
    catalog = Catalog(locale="fr")
    with (messages / "cafes.po").open("wb") as handle:
        write_po(handle, catalog)
    assert untranslated_marked("bot", "fr") == ["The café is full."]
    catalog.add("The café is full.", "Le café est complet.")
    with (messages / "cafes.po").open("wb") as handle:
        write_po(handle, catalog)
    assert untranslated_marked("bot", "fr") == []
