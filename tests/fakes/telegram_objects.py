"""The things the fake Telegram keeps: users, chats, files, messages and polls.

Each renders itself as the Bot API JSON object (`to_api()`), the shape aiogram parses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """A Bot API error answer: HTTP status `code`, Telegram's `description`."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user a test acts as."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # "private", "group", "supergroup" or "channel"
    title: str | None = None
    user: FakeUser | None = None  # the other side of a private chat

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.username:
                data["username"] = self.user.username
        return data


@dataclass
class UploadedFile:
    """A file the bot uploaded or a user sent; `data` is None for a URL the fake never fetched."""

    file_id: str
    filename: str | None
    data: bytes | None
    content_type: str | None = None
    url: str | None = None

    @property
    def unique_id(self) -> str:
        return "u" + self.file_id[-12:]

    @property
    def file_path(self) -> str:
        return f"documents/{self.file_id}/{self.filename or 'file'}"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.unique_id}
        if self.data is not None:
            data["file_size"] = len(self.data)
        return data


def file_id_for(data: bytes | None, key: str) -> str:
    """A stable file id: the same bytes get the same id, like Telegram's deduplication."""
    digest = hashlib.sha256(data if data is not None else key.encode()).hexdigest()
    return f"BQAC{digest[:28]}"


@dataclass
class FakePoll:
    id: str
    question: str
    options: list[str]
    is_anonymous: bool = True
    type: str = "regular"
    allows_multiple_answers: bool = False
    is_closed: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> option ids

    def to_api(self) -> dict[str, Any]:
        counts = [0] * len(self.options)
        for option_ids in self.votes.values():
            for option_id in option_ids:
                counts[option_id] += 1
        return {
            "id": self.id,
            "question": self.question,
            "options": [
                {"persistent_id": f"{self.id}-{i}", "text": text, "voter_count": counts[i]}
                for i, text in enumerate(self.options)
            ],
            "total_voter_count": len(self.votes),
            "is_closed": self.is_closed,
            "is_anonymous": self.is_anonymous,
            "type": self.type,
            "allows_multiple_answers": self.allows_multiple_answers,
            "allows_revoting": self.type == "regular",
            "members_only": False,
        }


@dataclass
class FakeMessage:
    """A message in a chat, sent by the bot (`from_user` is the bot) or by a user.

    `params` are the decoded parameters of the call that sent it (None for a user's message);
    edits update `text`, `caption` and `reply_markup` in place and are kept in `edits`.
    """

    chat: FakeChat
    message_id: int
    date: int
    from_user: FakeUser
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    kind: str = "text"  # text, photo, document, voice, poll
    file: UploadedFile | None = None
    poll: FakePoll | None = None
    params: dict[str, Any] | None = None
    deleted: bool = False
    edit_date: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """The rows of inline buttons (dicts as sent), or [] when there is no inline keyboard."""
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.inline_keyboard for button in row]

    def button(self, *, callback_data: str | None = None, text: str | None = None) -> dict:
        """The button with this callback_data (or label); AssertionError when there is none."""
        for button in self.buttons:
            if (callback_data is None or button.get("callback_data") == callback_data) and (
                text is None or button.get("text") == text
            ):
                return button
        shown = [(b.get("text"), b.get("callback_data")) for b in self.buttons]
        raise AssertionError(
            f"message {self.message_id} in chat {self.chat_id} has no button with "
            f"callback_data={callback_data!r} text={text!r}; its buttons: {shown}"
        )

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_api(),
            "from": self.from_user.to_api(),
        }
        if self.text is not None:
            data["text"] = self.text
            if self.text.startswith("/"):
                command = self.text.split()[0]
                data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if self.caption is not None:
            data["caption"] = self.caption
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.file is not None:
            data.update(self._file_part())
        if self.poll is not None:
            data["poll"] = self.poll.to_api()
        return data

    def _file_part(self) -> dict[str, Any]:
        assert self.file is not None
        base = self.file.to_api()
        if self.kind == "photo":
            return {"photo": [{**base, "width": 800, "height": 600}]}
        if self.kind == "voice":
            duration = int((self.params or {}).get("duration", 1))
            return {"voice": {**base, "duration": duration, "mime_type": "audio/ogg"}}
        document = {**base}
        if self.file.filename:
            document["file_name"] = self.file.filename
        if self.file.content_type:
            document["mime_type"] = self.file.content_type
        return {"document": document}
