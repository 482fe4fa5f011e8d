"""What one chat receives: the broadcast's payload in the reader's language (pure)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outbox.errors import OutboxError
from storage.broadcasts import BroadcastKind

FALLBACK_LANGUAGE = "en"
MAX_CALLBACK_BYTES = 64  # Telegram's limit on an inline button's callback_data


class ContentError(OutboxError, ValueError):
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
class Button:
    """An inline button under the message: it sends `callback_data` to the bot, or opens `url`."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Content:
    """One message ready for the Bot API: `text` is the message or caption; `file` is a
    {"path" | "url" | "file_id": str}, or a small file carried in the payload
    ({"data": str, "filename": str}: text, e.g. a café's .ics, or base64 with
    "encoding": "base64", e.g. a certificate's PDF; see `inline_bytes`); `options` only for polls;
    `buttons` rows of inline buttons (text, photo and document messages)."""

    kind: BroadcastKind
    text: str | None
    file: Mapping[str, str] | None = None
    options: tuple[str, ...] = ()
    is_anonymous: bool = True
    allows_multiple_answers: bool = False
    buttons: tuple[tuple[Button, ...], ...] = ()


def inline_bytes(file: Mapping[str, str]) -> bytes:
    """The bytes of a file carried in the payload: its `data`, as text or base64."""
    if file.get("encoding") == "base64":
        return base64.b64decode(file["data"])
    return file["data"].encode()


def buttons_for(raw: Any, language: str) -> tuple[tuple[Button, ...], ...]:
    """Payload `buttons`: rows of {"text": {lang: str} | str, "callback_data": str | "url": str},
    labelled in `language`; ContentError when a button is malformed."""
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple) or not all(isinstance(r, list | tuple) for r in raw):
        raise ContentError("buttons must be a list of rows, each a list of buttons")
    rows = []
    for row in raw:
        buttons = []
        for item in row:
            if not isinstance(item, Mapping):
                raise ContentError("a button must be a mapping with text and callback_data or url")
            label = localized(item.get("text"), language)
            data, url = item.get("callback_data"), item.get("url")
            if not label:
                raise ContentError("a button needs a text")
            if (data is None) == (url is None):
                raise ContentError("a button needs exactly one of callback_data and url")
            if data is not None and not (
                isinstance(data, str) and 0 < len(data.encode()) <= MAX_CALLBACK_BYTES
            ):
                raise ContentError(f"callback_data must be 1 to {MAX_CALLBACK_BYTES} bytes")
            if url is not None and not (
                isinstance(url, str) and url.startswith(("https://", "http://", "tg://"))
            ):
                raise ContentError("a button url must start with https://, http:// or tg://")
            buttons.append(Button(label, data, url))
        if buttons:
            rows.append(tuple(buttons))
    return tuple(rows)


def content_for(kind: BroadcastKind, payload: Mapping[str, Any], language: str) -> Content:
    """The content of `payload` for a reader of `language`; ContentError when malformed."""
    if kind == BroadcastKind.text:
        text = localized(payload.get("text"), language)
        if not text:
            raise ContentError("a text broadcast needs text")
        return Content(kind, text, buttons=buttons_for(payload.get("buttons"), language))
    if kind in (BroadcastKind.photo, BroadcastKind.document):
        file = payload.get("file")
        if not isinstance(file, Mapping) or not ({"path", "url", "file_id", "data"} & file.keys()):
            raise ContentError(f"a {kind} broadcast needs file: {{path|url|file_id}}")
        return Content(
            kind,
            localized(payload.get("caption"), language),
            file=file,
            buttons=buttons_for(payload.get("buttons"), language),
        )
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
