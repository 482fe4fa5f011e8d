"""The youth voice's pure rules: daily limit, who may submit, media and text checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engagement.youth import rules
from engagement.youth.rules import MediaProblem, ProfileFacts, ProfileGap, TextProblem
from storage.youth import AgeBracket, MediaKind, PublishAs

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MB = 1024 * 1024


def test_three_ideas_a_rolling_day_then_a_wait_until_the_oldest_is_a_day_old() -> None:
    times = [NOW - timedelta(hours=h) for h in (23, 5, 1)]
    assert rules.submissions_left(times[:2], NOW) == 1
    assert rules.next_allowed_at(times[:2], NOW) is None
    assert rules.submissions_left(times, NOW) == 0
    assert rules.next_allowed_at(times, NOW) == NOW + timedelta(hours=1)
    # an idea of yesterday no longer counts
    older = [NOW - timedelta(hours=25), *times[1:]]
    assert rules.next_allowed_at(older, NOW) is None


@pytest.mark.parametrize(
    ("facts", "gap"),
    [
        (ProfileFacts(None, False, None), ProfileGap.age),
        (ProfileFacts(AgeBracket.under_16, False, PublishAs.anonymous), ProfileGap.guardian),
        (ProfileFacts(AgeBracket.under_16, True, None), ProfileGap.publish_as),
        (ProfileFacts(AgeBracket.under_16, True, PublishAs.first_name), None),
        (ProfileFacts(AgeBracket.from_16_to_17, False, PublishAs.anonymous), None),
        (ProfileFacts(AgeBracket.adult, False, None), ProfileGap.publish_as),
    ],
)
def test_under_16_needs_a_guardian_and_everyone_chooses_how_to_sign(
    facts: ProfileFacts, gap: ProfileGap | None
) -> None:
    assert rules.missing_step(facts) is gap


def test_media_limits() -> None:
    assert rules.check_media(MediaKind.photo, 10 * MB) is None
    assert rules.check_media(MediaKind.photo, 10 * MB + 1) is MediaProblem.photo_too_big
    assert rules.check_media(MediaKind.photo, None) is None
    assert rules.check_media(MediaKind.voice, 5 * MB, 120) is None
    assert rules.check_media(MediaKind.voice, 1 * MB, 121) is MediaProblem.voice_too_long
    assert rules.check_media(MediaKind.voice, 5 * MB + 1, 60) is MediaProblem.voice_too_big


def test_text_limits_count_what_is_left_after_trimming() -> None:
    assert rules.check_text("  ", 10) is TextProblem.empty
    assert rules.check_text(" " + "a" * 10 + " ", 10) is None
    assert rules.check_text("a" * 2001, rules.MAX_TEXT) is TextProblem.too_long


def test_only_a_first_name_and_only_when_chosen() -> None:
    assert rules.first_name_only("  Yuna  Kim ") == "Yuna"
    assert rules.first_name_only("") == ""
    assert rules.signature(PublishAs.first_name, "Yuna") == "Yuna"
    assert rules.signature(PublishAs.anonymous, "Yuna") is None
    assert rules.signature(PublishAs.first_name, None) is None
