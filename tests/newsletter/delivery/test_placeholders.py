"""Per-recipient placeholders: one syntax, escaped per part, filled in one pass."""

from __future__ import annotations

import pytest

from newsletter.delivery.placeholders import (
    Part,
    Slot,
    fill,
    misplaced_tokens,
    substitutions,
    token,
)

VALUES = {
    Slot.NAME: "Ana & Bo",
    Slot.UNSUBSCRIBE_URL: "https://x/u?a=1&b=2",
    Slot.PREFERENCES_URL: "",
}


def test_each_slot_has_a_text_and_an_html_value() -> None:
    pairs = substitutions(VALUES)

    assert pairs["[[aive:name:text]]"] == "Ana & Bo"
    assert pairs["[[aive:name:html]]"] == "Ana &amp; Bo"
    assert pairs[token(Slot.UNSUBSCRIBE_URL, Part.HTML)] == "https://x/u?a=1&amp;b=2"
    assert len(pairs) == 2 * len(Slot)


def test_every_slot_needs_a_value() -> None:
    with pytest.raises(ValueError, match="preferences_url"):
        substitutions({Slot.NAME: "a", Slot.UNSUBSCRIBE_URL: "b"})


def test_fill_replaces_known_tokens_once_and_leaves_the_rest() -> None:
    pairs = substitutions({**VALUES, Slot.NAME: "[[aive:preferences_url:text]]"})

    filled = fill("Hi [[aive:name:text]] [[aive:other:text]] [x]", pairs)

    assert filled == "Hi [[aive:preferences_url:text]] [[aive:other:text]] [x]"


def test_tokens_in_the_wrong_part_or_unknown_are_reported() -> None:
    text = "Hi [[aive:name:html]], [[aive:name:text]] [[aive:nme:text]] [[aive:broken"

    assert misplaced_tokens(text, Part.TEXT) == ["[[aive:name:html]]", "[[aive:nme:text]]"]
    assert misplaced_tokens("<a href='[[aive:unsubscribe_url:html]]'>", Part.HTML) == []
