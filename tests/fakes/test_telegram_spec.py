"""The Bot API spec checker on its own: what Telegram would refuse, it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.specs import find_spec
from tests.fakes.telegram import load_bot_api_spec
from tests.fakes.telegram_objects import UploadedFile
from tests.fakes.telegram_spec import BotApiSpec


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    return load_bot_api_spec()


def test_form_values_decode_to_the_spec_types(spec: BotApiSpec) -> None:
    check = spec.check_call(
        "sendmessage",  # Telegram matches method names case-insensitively
        {"chat_id": "@aive_channel", "text": "hi", "disable_notification": "false"},
        {},
        form=True,
    )
    assert check.problems == []
    assert check.method == "sendMessage"
    assert check.params == {"chat_id": "@aive_channel", "text": "hi", "disable_notification": False}


def test_nested_keyboard_is_checked_field_by_field(spec: BotApiSpec) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go", "colour": "red"}]]}
    check = spec.check_call(
        "sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup}, {}, form=False
    )
    assert any("unknown field 'colour'" in p for p in check.problems)

    no_action = {"inline_keyboard": [[{"text": "Just a label"}]]}
    check = spec.check_call(
        "sendMessage", {"chat_id": 1, "text": "x", "reply_markup": no_action}, {}, form=False
    )
    assert any("exactly one action" in p for p in check.problems)


def test_json_bodies_are_typed_strictly(spec: BotApiSpec) -> None:
    check = spec.check_call("sendMessage", {"chat_id": 1.5, "text": 3}, {}, form=False)
    assert len(check.problems) == 2


def test_media_group_items_are_matched_to_their_subtype_and_attachments(
    spec: BotApiSpec,
) -> None:
    media = [
        {"type": "photo", "media": "attach://a"},
        {"type": "photo", "media": "attach://missing", "caption": "c" * 1025},
    ]
    upload = UploadedFile("id", "a.png", b"png")
    check = spec.check_call(
        "sendMediaGroup",
        {"chat_id": "1", "media": json.dumps(media)},
        {"a": upload, "stray": upload},
        form=True,
    )
    assert "attach://missing names no uploaded file" in check.problems
    assert "uploaded file part 'stray' is not used" in check.problems
    assert "media[1].caption must be 0-1024 characters, got 1025" in check.problems


def test_unknown_method_is_refused_but_newer_aiogram_methods_pass(spec: BotApiSpec) -> None:
    unknown = spec.check_call("sendTelepathy", {}, {}, form=True)
    assert not unknown.known_method and unknown.problems
    newer = spec.check_call("deleteEphemeralMessage", {"anything": "1"}, {}, form=True)
    assert newer.problems == []


def test_spec_location_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIVE_TELEGRAM_SPEC", str(tmp_path / "absent.json"))
    assert find_spec("telegram-bot-api.json", "AIVE_TELEGRAM_SPEC") is None
