"""Pure rules of the youth voice: what a young person may send, and when. No I/O here."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.youth import AgeBracket, MediaKind, PublishAs

MAX_TITLE = 120
MAX_TEXT = 2_000
MAX_REASON = 500  # why staff reject an idea or ask for changes: one short message
MAX_PER_DAY = 3
DAY = timedelta(hours=24)  # a rolling day: no timezone to argue about
PHOTO_MAX_BYTES = 10 * 1024 * 1024
VOICE_MAX_BYTES = 5 * 1024 * 1024
VOICE_MAX_SECONDS = 120


class ProfileGap(enum.StrEnum):
    """What a young person still has to tell before submitting an idea."""

    age = "age"
    guardian = "guardian"
    publish_as = "publish_as"


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    age_bracket: AgeBracket | None
    guardian_consent: bool
    publish_as: PublishAs | None


def missing_step(facts: ProfileFacts) -> ProfileGap | None:
    """The first thing to ask, or None when the person may submit.

    Under 16, nobody submits without a parent's or guardian's agreement.
    """
    if facts.age_bracket is None:
        return ProfileGap.age
    if facts.age_bracket is AgeBracket.under_16 and not facts.guardian_consent:
        return ProfileGap.guardian
    if facts.publish_as is None:
        return ProfileGap.publish_as
    return None


def recent(previous: Sequence[datetime], now: datetime) -> list[datetime]:
    return sorted(t for t in previous if now - DAY < t <= now)


def submissions_left(previous: Sequence[datetime], now: datetime) -> int:
    """How many more ideas may be sent now, given the times of earlier ones."""
    return max(0, MAX_PER_DAY - len(recent(previous, now)))


def next_allowed_at(previous: Sequence[datetime], now: datetime) -> datetime | None:
    """When the next idea may be sent, or None if it may be sent now."""
    window = recent(previous, now)
    if len(window) < MAX_PER_DAY:
        return None
    return window[len(window) - MAX_PER_DAY] + DAY


class TextProblem(enum.StrEnum):
    empty = "empty"
    too_long = "too_long"


def check_text(text: str, limit: int) -> TextProblem | None:
    stripped = text.strip()
    if not stripped:
        return TextProblem.empty
    if len(stripped) > limit:
        return TextProblem.too_long
    return None


class MediaProblem(enum.StrEnum):
    photo_too_big = "photo_too_big"
    voice_too_big = "voice_too_big"
    voice_too_long = "voice_too_long"


def check_media(
    kind: MediaKind, file_size: int | None, duration: int | None = None
) -> MediaProblem | None:
    """Sizes as Telegram reports them (`file_size` may be missing: then only Telegram's own
    limits apply)."""
    if kind is MediaKind.photo:
        return MediaProblem.photo_too_big if (file_size or 0) > PHOTO_MAX_BYTES else None
    if (duration or 0) > VOICE_MAX_SECONDS:
        return MediaProblem.voice_too_long
    if (file_size or 0) > VOICE_MAX_BYTES:
        return MediaProblem.voice_too_big
    return None


def signature(publish_as: PublishAs | None, first_name: str | None) -> str | None:
    """The name an approved idea is signed with, or None for anonymous."""
    if publish_as is PublishAs.first_name and first_name:
        return first_name
    return None


def first_name_only(telegram_first_name: str) -> str:
    """The first word of Telegram's first name, short: never a full name."""
    words = telegram_first_name.strip().split()
    return words[0][:64] if words else ""
