"""parse_feed never raises (its contract): every input that once made it raise, most found by
the atheris target (fuzz/parse_feed.py), is kept in fuzz_inputs/ and must give a ParsedFeed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsletter.feeds import parse_feed

INPUTS = sorted((Path(__file__).parent / "fuzz_inputs").iterdir())
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_a_hostile_document_gives_a_reason_never_an_exception(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), "https://example.org/feed.xml", fetched_at=NOW)
    assert parsed.error or parsed.entries


@pytest.mark.parametrize("name", ["encoding-with-byte-ff.xml", "encoding-with-nul.xml"])
def test_a_declared_encoding_that_is_no_name_is_ignored_and_the_entries_kept(name: str) -> None:
    data = (Path(__file__).parent / "fuzz_inputs" / name).read_bytes()
    parsed = parse_feed(data, "https://example.org/feed.xml", fetched_at=NOW)
    assert [e.title for e in parsed.entries] == ["Café"]
    assert parsed.error and "declared encoding" in parsed.error


def test_no_text_of_an_entry_keeps_a_nul_or_another_control_character() -> None:
    data = (Path(__file__).parent / "fuzz_inputs" / "nul-in-every-field.xml").read_bytes()
    (entry,) = parse_feed(data, "https://example.org/feed.xml", fetched_at=NOW).entries
    texts = [entry.title, entry.guid, entry.summary_text, entry.summary_html, *entry.categories]
    assert entry.title == "Abc" and entry.categories == ["cd"]
    assert not [t for t in texts if "\x00" in t or "\x1b" in t]
