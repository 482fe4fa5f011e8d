"""The fake Telegram's state and what each Bot API method does to it.

`TelegramWorld.call(method, params)` takes parameters already decoded and checked against the
spec and returns the `result` Telegram would, or raises the ApiError Telegram would answer
(chat not found, message is not modified, ...). Methods it does not model answer `True`.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_objects import (
    FakeChat,
    FakeMessage,
    FakePoll,
    FakeUser,
    UploadedFile,
    bad_request,
    file_id_for,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"  # noqa: E501


@dataclass
class CallbackQueryRecord:
    id: str
    user: FakeUser
    message: FakeMessage
    data: str
    answer: dict[str, Any] | None = None  # the answerCallbackQuery parameters, once answered


class UpdateQueue:
    """Updates waiting for getUpdates; confirmed (dropped) by a later offset, like Telegram."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self.closed = False

    def put(self, **content: Any) -> dict[str, Any]:
        update = {"update_id": next(self._ids), **content}
        self.pending.append(update)
        self._changed.set()
        return update

    def confirm(self, offset: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] >= offset]

    async def get(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        if offset:
            self.confirm(offset)
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.pending and not self.closed:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return self.pending[:limit]

    def close(self) -> None:
        """Wake every long poll so the server can stop at once."""
        self.closed = True
        self._changed.set()


@dataclass
class TelegramWorld:
    bot: FakeUser
    clock: Callable[[], float] = time.time
    chats: dict[int | str, FakeChat] = field(default_factory=dict)
    messages: dict[tuple[int, int], FakeMessage] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    polls: dict[str, FakeMessage] = field(default_factory=dict)  # poll id -> its message
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    _last_message_id: dict[int, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # State helpers ------------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def chat(self, chat_id: int | str) -> FakeChat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            found = [c for c in self.chats.values() if c.user and c.user.username == chat_id[1:]]
            if found:
                return found[0]
        if (chat := self.chats.get(chat_id)) is None:
            raise bad_request("chat not found")
        return chat

    def new_message(self, chat: FakeChat, sender: FakeUser, **content: Any) -> FakeMessage:
        message_id = self._last_message_id.get(chat.id, 0) + 1
        self._last_message_id[chat.id] = message_id
        message = FakeMessage(chat, message_id, self.now(), sender, **content)
        self.messages[(chat.id, message_id)] = message
        return message

    def message(self, chat_id: int | str, message_id: int, missing: str) -> FakeMessage:
        chat = self.chat(chat_id)
        message = self.messages.get((chat.id, message_id))
        if message is None or message.deleted:
            raise bad_request(missing)
        return message

    def store_file(self, upload: UploadedFile) -> UploadedFile:
        return self.files.setdefault(upload.file_id, upload)

    def resolve_file(self, value: UploadedFile | str) -> UploadedFile:
        """A file parameter: an upload, a file_id the fake knows, or a URL it never fetches."""
        if isinstance(value, UploadedFile):
            return self.store_file(value)
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or None
            return self.store_file(UploadedFile(file_id_for(None, value), name, None, url=value))
        raise bad_request("wrong file identifier/HTTP URL specified")

    # Dispatch -----------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_{method}", None)
        return handler(params) if handler else True

    def _getMe(self, params: dict[str, Any]) -> Any:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _sendMessage(self, p: dict[str, Any]) -> Any:
        chat = self.chat(p["chat_id"])
        markup = p.get("reply_markup")
        message = self.new_message(chat, self.bot, text=p["text"], reply_markup=markup, params=p)
        return message.to_api()

    def _send_file(self, p: dict[str, Any], kind: str) -> Any:
        chat = self.chat(p["chat_id"])
        upload = self.resolve_file(p[kind])
        message = self.new_message(
            chat,
            self.bot,
            kind=kind,
            file=upload,
            caption=p.get("caption"),
            reply_markup=p.get("reply_markup"),
            params=p,
        )
        return message.to_api()

    def _sendPhoto(self, p: dict[str, Any]) -> Any:
        return self._send_file(p, "photo")

    def _sendDocument(self, p: dict[str, Any]) -> Any:
        return self._send_file(p, "document")

    def _sendVoice(self, p: dict[str, Any]) -> Any:
        return self._send_file(p, "voice")

    def _sendPoll(self, p: dict[str, Any]) -> Any:
        chat = self.chat(p["chat_id"])
        poll = FakePoll(
            id=str(5_000_000_000 + next(self._ids)),
            question=p["question"],
            options=[option["text"] for option in p["options"]],
            is_anonymous=p.get("is_anonymous", True),
            type=p.get("type", "regular"),
            allows_multiple_answers=p.get("allows_multiple_answers", False),
            is_closed=p.get("is_closed", False),
        )
        message = self.new_message(
            chat, self.bot, kind="poll", poll=poll, reply_markup=p.get("reply_markup"), params=p
        )
        self.polls[poll.id] = message
        return message.to_api()

    def _stopPoll(self, p: dict[str, Any]) -> Any:
        message = self.message(p["chat_id"], p["message_id"], "message with poll to stop not found")
        if message.poll is None:
            raise bad_request("message with poll to stop not found")
        if message.poll.is_closed:
            raise bad_request("poll has already been closed")
        message.poll.is_closed = True
        if "reply_markup" in p:
            message.reply_markup = p["reply_markup"]
        return message.poll.to_api()

    def _edit(self, p: dict[str, Any], **changes: Any) -> Any:
        if "inline_message_id" in p:
            return True
        message = self.message(p["chat_id"], p["message_id"], "message to edit not found")
        if message.from_user != self.bot:
            raise bad_request("message can't be edited")
        changes["reply_markup"] = p.get("reply_markup")
        if all(getattr(message, key) == value for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        message.edits.append(p)
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = self.now()
        return message.to_api()

    def _editMessageText(self, p: dict[str, Any]) -> Any:
        return self._edit(p, text=p["text"])

    def _editMessageCaption(self, p: dict[str, Any]) -> Any:
        return self._edit(p, caption=p.get("caption"))

    def _editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        return self._edit(p)

    def _deleteMessage(self, p: dict[str, Any]) -> Any:
        self.message(p["chat_id"], p["message_id"], "message to delete not found").deleted = True
        return True

    def _answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        query = self.callback_queries.get(p["callback_query_id"])
        if query is None or query.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answer = p
        return True

    def _setWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = p
        if p.get("drop_pending_updates"):
            self.updates.pending.clear()
        return True

    def _deleteWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.updates.pending.clear()
        return True

    def _getWebhookInfo(self, p: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
        }
        if self.webhook and "allowed_updates" in self.webhook:
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return scope["type"] + str(scope.get("chat_id", "")), p.get("language_code", "")

    def _setMyCommands(self, p: dict[str, Any]) -> Any:
        self.commands[self._commands_key(p)] = p["commands"]
        return True

    def _getMyCommands(self, p: dict[str, Any]) -> Any:
        return self.commands.get(self._commands_key(p), [])

    def _deleteMyCommands(self, p: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _getFile(self, p: dict[str, Any]) -> Any:
        upload = self.files.get(p["file_id"])
        if upload is None:
            raise bad_request("invalid file_id")
        return {**upload.to_api(), "file_path": upload.file_path}

    def _getChat(self, p: dict[str, Any]) -> Any:
        return {
            **self.chat(p["chat_id"]).to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }
