"""Every message the bot can say exists, translated, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.catalogs import main as catalogs_main
from bot.config import SUPPORTED_LANGUAGES

BOT = Path(__file__).resolve().parents[2] / "bot"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "__": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(BOT), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_catalog_check_passes() -> None:
    assert catalogs_main(["check"]) == 0


def test_the_source_has_messages_to_check() -> None:
    assert len(_source_messages()) > 40


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_marked_message_is_in_the_catalog(lang: str) -> None:
    path = BOT / "locales" / lang / "LC_MESSAGES" / "bot.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = sorted(m for m in _source_messages() if not (catalog.get(m) and catalog[m].string))
    assert not missing, f"{path.name} ({lang}) lacks: {missing}"
    # placeholders survive translation
    for message in catalog:
        if message.id and isinstance(message.id, str):
            for name in ("{city}", "{name}", "{cities}", "{language}", "{names}", "{country}"):
                assert (name in message.id) == (name in str(message.string)), message.id
