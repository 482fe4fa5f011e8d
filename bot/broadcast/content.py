"""What one chat receives: the broadcast's payload in the reader's language (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storage.broadcasts import BroadcastKind

FALLBACK_LANGUAGE = "en"


class ContentError(ValueError):
    """The payload does not fit its kind; the message says what is missing."""


def localized(texts: Mapping[str, str] | str | None, language: str) -> str | None:
    """The text in `language`, else English, else the first one given; None when none."""
    if texts is None or isinstance(texts, str):
        return texts
    for lang in (language, FALLBACK_LANGUAGE):
        if texts.get(lang):
            return texts[lang]
    return next((t for t in texts.values() if t), None)


@dataclass(frozen=True)
class Content:
    """One message ready for the Bot API: `text` is the message or caption; `file` is a
    {"path" | "url" | "file_id": str}; `options` only for polls."""

    kind: BroadcastKind
    text: str | None
    file: Mapping[str, str] | None = None
    options: tuple[str, ...] = ()
    is_anonymous: bool = True
    allows_multiple_answers: bool = False


def content_for(kind: BroadcastKind, payload: Mapping[str, Any], language: str) -> Content:
    """The content of `payload` for a reader of `language`; ContentError when malformed."""
    if kind == BroadcastKind.text:
        text = localized(payload.get("text"), language)
        if not text:
            raise ContentError("a text broadcast needs text")
        return Content(kind, text)
    if kind in (BroadcastKind.photo, BroadcastKind.document):
        file = payload.get("file")
        if not isinstance(file, Mapping) or not ({"path", "url", "file_id"} & file.keys()):
            raise ContentError(f"a {kind} broadcast needs file: {{path|url|file_id}}")
        return Content(kind, localized(payload.get("caption"), language), file=file)
    question = localized(payload.get("question"), language)
    options = tuple(localized(o, language) or "" for o in payload.get("options") or ())
    if not question or len(options) < 2 or not all(options):
        raise ContentError("a poll needs a question and at least two options")
    return Content(
        kind,
        question,
        options=options,
        is_anonymous=bool(payload.get("is_anonymous", True)),
        allows_multiple_answers=bool(payload.get("allows_multiple_answers", False)),
    )


def validate_payload(kind: BroadcastKind, payload: Mapping[str, Any]) -> None:
    """Raise ContentError unless every reader would get a message (checked in English)."""
    content_for(kind, payload, FALLBACK_LANGUAGE)
