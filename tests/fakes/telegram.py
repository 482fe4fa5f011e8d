"""A fake Telegram Bot API server for tests, checked against the Bot API spec.

The real aiogram `Bot` talks to it over HTTP (`bot.session.make_bot(fake.token, fake.url)`).
Every call is checked against shared/specs/telegram-bot-api.json; a violation is answered 400
like Telegram would and fails the test at teardown unless the test takes it with
`pop_violations()`. A test acts as users (`user_sends_text`, `user_presses_button`, ...), reads
what the bot sent (`sent_messages`, `last_message`), and injects failures (`fail_with_retry_after`,
`block`, `enforce_rate_limits`).

    async def test_start(fake_telegram, telegram_bot):
        ana = fake_telegram.make_user("Ana", language_code="es")
        fake_telegram.user_sends_text(ana, "/start")
        ...
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiohttp import web

from bot.session import make_bot
from tests.fakes.specs import spec_or_skip
from tests.fakes.telegram_faults import Faults, RateLimiter, RetryAfterRule
from tests.fakes.telegram_objects import (
    ApiError,
    FakeChat,
    FakeMessage,
    FakeUser,
    UploadedFile,
    file_id_for,
)
from tests.fakes.telegram_spec import BotApiSpec
from tests.fakes.telegram_world import WEBHOOK_ACTIVE, CallbackQueryRecord, TelegramWorld

SPEC_FILE = "telegram-bot-api.json"
SPEC_ENV = "AIVE_TELEGRAM_SPEC"
BOT_ID = 7_000_000_001
DEFAULT_TOKEN = f"{BOT_ID}:AAFakeTokenForTests-0123456789abcdefgh"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class RecordedCall:
    """One request the bot made; `params` are decoded (raw strings when they did not decode)."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    status: int = 200
    result: Any = None
    error: ApiError | None = None


@dataclass
class Violation:
    """A call the Bot API spec does not allow."""

    method: str
    problems: list[str]
    params: dict[str, Any] = field(repr=False)

    def __str__(self) -> str:
        return f"{self.method}: {'; '.join(self.problems)}"


@functools.cache
def _load_spec(path: str) -> BotApiSpec:
    from pathlib import Path

    return BotApiSpec.load(Path(path))


def load_bot_api_spec() -> BotApiSpec:
    """The Bot API spec, read once per test session; skips the test when the file is missing."""
    return _load_spec(str(spec_or_skip(SPEC_FILE, SPEC_ENV)))


class FakeTelegram:
    """The fake server; use `async with FakeTelegram(spec) as fake:` or the fixtures below."""

    def __init__(
        self,
        spec: BotApiSpec,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "aive_test_bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.spec = spec
        self.token = token
        bot_user = FakeUser(int(token.split(":")[0]), "AIVE", None, bot_username, is_bot=True)
        self.world = TelegramWorld(bot_user, clock)
        self.faults = Faults()
        self.calls: list[RecordedCall] = []
        self.violations: list[Violation] = []
        self._user_ids = iter(range(100_001, 10**9))
        self._group_ids = iter(range(-1_001_000_000_001, -(10**14), -1))
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Server lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def close(self) -> None:
        self.world.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def bot_user(self) -> FakeUser:
        return self.world.bot

    # HTTP --------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized").to_api(), 401)
        params, files, form = await _read_params(request)
        check = self.spec.check_call(method, params, files, form=form)
        call = RecordedCall(check.method, check.params or params, files)
        self.calls.append(call)
        try:
            if check.problems:
                self.violations.append(Violation(check.method, check.problems, params))
                if not check.known_method:
                    raise ApiError(404, "Not Found")
                raise ApiError(400, "Bad Request: " + "; ".join(check.problems))
            call.result = await self._perform(check.method, check.params)
        except ApiError as error:
            call.status, call.error = error.code, error
            return _answer(error.to_api(), error.code)
        return _answer({"ok": True, "result": call.result}, 200)

    async def _perform(self, method: str, params: dict[str, Any]) -> Any:
        self.faults.check(method, params.get("chat_id"))
        if method == "getUpdates":
            if self.world.webhook:
                raise ApiError(409, WEBHOOK_ACTIVE)
            result: Any = await self.world.updates.get(
                params.get("offset", 0), params.get("limit", 100), params.get("timeout", 0)
            )
        else:
            result = self.world.call(method, params)
        if (returns := self.spec.returns(method)) and (
            problems := self.spec.check_value(returns, result)
        ):
            # A bug of the fake itself: fail the test rather than feed the bot a wrong answer.
            self.violations.append(Violation(method, [f"the fake's answer: {problems}"], params))
            raise ApiError(500, "Internal Server Error: the fake built an invalid result")
        return result

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.match_info["token"] == self.token:
            for upload in self.world.files.values():
                if upload.file_path == path and upload.data is not None:
                    return web.Response(body=upload.data)
        return _answer(ApiError(404, "Not Found").to_api(), 404)

    # Acting as users ---------------------------------------------------------------------

    def make_user(
        self,
        first_name: str = "Ana",
        *,
        language_code: str | None = "en",
        username: str | None = None,
        user_id: int | None = None,
    ) -> FakeUser:
        """A user who has started the bot, so the bot may write to them."""
        user = FakeUser(user_id or next(self._user_ids), first_name, language_code, username)
        self.world.chats[user.id] = FakeChat(user.id, "private", user=user)
        return user

    def make_group(self, title: str = "Educating Cities") -> FakeChat:
        chat = FakeChat(next(self._group_ids), "supergroup", title=title)
        self.world.chats[chat.id] = chat
        return chat

    def _chat_of(self, user: FakeUser, chat: FakeChat | None) -> FakeChat:
        if chat is not None:
            return chat
        return self.world.chats.setdefault(user.id, FakeChat(user.id, "private", user=user))

    def _queue(self, **content: Any) -> dict[str, Any]:
        update = self.world.updates.put(**content)
        problems = self.spec.check_value(("Update",), update)
        assert not problems, f"the fake built an invalid update: {problems}"
        return update

    def user_sends_text(
        self, user: FakeUser, text: str, chat: FakeChat | None = None
    ) -> FakeMessage:
        message = self.world.new_message(self._chat_of(user, chat), user, text=text)
        self._queue(message=message.to_api())
        return message

    def user_sends_photo(
        self, user: FakeUser, data: bytes, caption: str | None = None, chat: FakeChat | None = None
    ) -> FakeMessage:
        upload = self.world.store_file(UploadedFile(file_id_for(data, ""), "photo.jpg", data))
        message = self.world.new_message(
            self._chat_of(user, chat), user, kind="photo", file=upload, caption=caption
        )
        self._queue(message=message.to_api())
        return message

    def user_sends_document(
        self, user: FakeUser, data: bytes, filename: str, chat: FakeChat | None = None
    ) -> FakeMessage:
        upload = self.world.store_file(UploadedFile(file_id_for(data, ""), filename, data))
        message = self.world.new_message(
            self._chat_of(user, chat), user, kind="document", file=upload
        )
        self._queue(message=message.to_api())
        return message

    def user_sends_voice(
        self, user: FakeUser, data: bytes, duration: int, chat: FakeChat | None = None
    ) -> FakeMessage:
        upload = self.world.store_file(UploadedFile(file_id_for(data, ""), "voice.ogg", data))
        message = self.world.new_message(
            self._chat_of(user, chat),
            user,
            kind="voice",
            file=upload,
            params={"duration": duration},
        )
        self._queue(message=message.to_api())
        return message

    def user_presses_button(
        self, user: FakeUser, message: FakeMessage, callback_data: str
    ) -> CallbackQueryRecord:
        """Press the inline button with `callback_data` on a message the bot sent."""
        assert message.from_user == self.bot_user, "users can only press the bot's buttons"
        assert not message.deleted, f"message {message.message_id} was deleted"
        message.button(callback_data=callback_data)
        query = CallbackQueryRecord(str(next(self.world._ids) * 7919), user, message, callback_data)
        self.world.callback_queries[query.id] = query
        self._queue(
            callback_query={
                "id": query.id,
                "from": user.to_api(),
                "message": message.to_api(),
                "chat_instance": str(abs(hash((message.chat_id, BOT_ID)))),
                "data": callback_data,
            }
        )
        return query

    def user_answers_poll(
        self, user: FakeUser, poll_message: FakeMessage, option_ids: Iterable[int]
    ) -> dict[str, Any]:
        """Vote in a poll the bot sent; Telegram tells the bot only for non-anonymous polls."""
        poll = poll_message.poll
        assert poll is not None, f"message {poll_message.message_id} is not a poll"
        assert not poll.is_anonymous, "anonymous poll: Telegram sends the bot no poll_answer"
        assert not poll.is_closed, "the poll is closed"
        chosen = list(option_ids)
        assert all(0 <= i < len(poll.options) for i in chosen), f"no such options: {chosen}"
        assert len(chosen) <= 1 or poll.allows_multiple_answers, "one answer only in this poll"
        poll.votes[user.id] = chosen
        return self._queue(
            poll_answer={
                "poll_id": poll.id,
                "user": user.to_api(),
                "option_ids": chosen,
                "option_persistent_ids": [f"{poll.id}-{i}" for i in chosen],
            }
        )

    # What the bot did --------------------------------------------------------------------

    def sent_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[FakeMessage]:
        """Messages the bot sent to a chat, oldest first, as they are now (after edits)."""
        return [
            m
            for (cid, _), m in self.world.messages.items()
            if cid == chat_id
            and m.from_user == self.bot_user
            and (include_deleted or not m.deleted)
        ]

    def last_message(self, chat_id: int) -> FakeMessage:
        sent = self.sent_messages(chat_id)
        assert sent, f"the bot sent nothing to chat {chat_id}"
        return sent[-1]

    def sent_documents(self, chat_id: int) -> list[FakeMessage]:
        return [m for m in self.sent_messages(chat_id) if m.kind == "document"]

    def sent_photos(self, chat_id: int) -> list[FakeMessage]:
        return [m for m in self.sent_messages(chat_id) if m.kind == "photo"]

    def sent_polls(self, chat_id: int) -> list[FakeMessage]:
        return [m for m in self.sent_messages(chat_id) if m.kind == "poll"]

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.world.updates.pending)

    # Failures ----------------------------------------------------------------------------

    def fail_with_retry_after(
        self,
        retry_after: int,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer 429 (retry after `retry_after` s) to the next `times` matching calls."""
        self.faults.retry_after_rules.append(RetryAfterRule(retry_after, times, method, chat_id))

    def block(self, *chats: FakeUser | int) -> None:
        """These users blocked the bot: every call aimed at their chat answers 403."""
        self.faults.blocked_chats |= {c.id if isinstance(c, FakeUser) else c for c in chats}

    def enforce_rate_limits(self, clock: Callable[[], float] = time.monotonic) -> RateLimiter:
        """Answer 429 beyond 30 msg/s overall, 1/s per private chat, 20/min per group."""
        self.faults.rate_limiter = RateLimiter(clock)
        return self.faults.rate_limiter

    @property
    def too_many_requests_count(self) -> int:
        return self.faults.too_many_requests_count

    # Webhooks ----------------------------------------------------------------------------

    async def post_update(
        self, url: str, update: dict[str, Any], secret_token: str | None = None
    ) -> int:
        """POST one update to a webhook like Telegram does; returns the HTTP status."""
        headers = {SECRET_HEADER: secret_token} if secret_token else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            await response.read()
            return response.status

    async def deliver_to_webhook(self) -> list[int]:
        """POST the pending updates to the webhook set by setWebhook; 2xx ones are dropped."""
        assert self.world.webhook, "no webhook is set (setWebhook was not called)"
        url, secret = self.world.webhook["url"], self.world.webhook.get("secret_token")
        statuses = []
        for update in list(self.world.updates.pending):
            status = await self.post_update(url, update, secret)
            statuses.append(status)
            if 200 <= status < 300:
                self.world.updates.pending.remove(update)
        return statuses

    # Violations --------------------------------------------------------------------------

    def pop_violations(self) -> list[Violation]:
        """Take the violations seen so far (a test that expects them asserts on these)."""
        taken, self.violations = self.violations, []
        return taken

    def assert_no_violations(self) -> None:
        if self.violations:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            pytest.fail(f"the bot made Bot API calls the spec does not allow:\n{lines}")


async def _read_params(
    request: web.Request,
) -> tuple[dict[str, Any], dict[str, UploadedFile], bool]:
    """Parameters and uploaded files; the bool says the values are form strings."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON body must be an object")
        if params and body:
            raise web.HTTPBadRequest(text="mixing query string and JSON body")
        return body or params, files, not body
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            files[key] = UploadedFile(
                file_id_for(data, key), value.filename, data, value.content_type
            )
        else:
            params[key] = value
    return params, files, True


def _answer(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, content_type="application/json")


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A running fake Bot API server; fails the test at teardown on any spec violation."""
    async with FakeTelegram(load_bot_api_spec()) as fake:
        yield fake
    fake.assert_no_violations()


@pytest.fixture
async def telegram_bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    """A real aiogram Bot (HTML by default) talking to `fake_telegram`."""
    bot = make_bot(fake_telegram.token, fake_telegram.url)
    yield bot
    await bot.session.close()
