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
