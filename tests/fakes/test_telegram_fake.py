"""The fake Telegram server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Message,
    PollAnswer,
)
from aiohttp import web

from bot.session import make_bot
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_faults import RateLimiter


def _keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def test_bot_message_with_keyboard_is_recorded_per_chat(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user("Ana", language_code="es")
    first = await telegram_bot.send_message(
        ana.id, "<b>Hola</b>", reply_markup=_keyboard(("Sí", "y"))
    )
    second = await telegram_bot.send_message(ana.id, "Otra")

    assert (first.message_id, second.message_id) == (1, 2)
    sent = fake_telegram.last_message(ana.id)
    assert sent.text == "Otra"
    shown = fake_telegram.sent_messages(ana.id)[0]
    assert shown.buttons == [{"text": "Sí", "callback_data": "y"}]
    # The Bot built by make_bot sends HTML by default.
    assert fake_telegram.calls_to("sendMessage")[0].params["parse_mode"] == "HTML"
    assert first.reply_markup is not None
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "y"


async def test_get_me_names_the_test_bot(telegram_bot: Bot) -> None:
    me = await telegram_bot.get_me()
    assert (me.username, me.is_bot, me.id) == ("aive_test_bot", True, telegram_bot.id)


async def test_callback_data_over_64_bytes_is_refused_and_fails_the_test(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    with pytest.raises(TelegramBadRequest, match="callback_data must be 1-64 bytes"):
        await telegram_bot.send_message(ana.id, "Pick", reply_markup=_keyboard(("x", "é" * 33)))

    (violation,) = fake_telegram.pop_violations()
    assert violation.method == "sendMessage"
    assert fake_telegram.sent_messages(ana.id) == []


async def test_text_longer_than_4096_characters_is_refused(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    # Tags do not count: Telegram measures the text after entity parsing.
    await telegram_bot.send_message(ana.id, "<b>" + "a" * 4096 + "</b>")
    raw = SendMessage(chat_id=ana.id, text="a" * 4097, parse_mode=None)
    with pytest.raises(TelegramBadRequest, match="text must be 1-4096 characters, got 4097"):
        await telegram_bot.session(telegram_bot, raw)
    assert len(fake_telegram.pop_violations()) == 1


async def test_unknown_parameter_and_wrong_type_are_violations(
    fake_telegram: FakeTelegram,
) -> None:
    ana = fake_telegram.make_user()
    url = f"{fake_telegram.url}/bot{fake_telegram.token}/sendMessage"
    async with aiohttp_session() as session:
        form = {"chat_id": str(ana.id), "text": "hi", "disable_notification": "maybe", "x": "1"}
        async with session.post(url, data=form) as response:
            body = await response.json()
        async with session.post(url, json={"chat_id": ana.id, "text": "json body"}) as ok:
            assert ok.status == 200
    assert response.status == 400
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ")
    (violation,) = fake_telegram.pop_violations()
    assert any("'x'" in p for p in violation.problems)
    assert any("disable_notification" in p for p in violation.problems)
    assert fake_telegram.last_message(ana.id).text == "json body"


async def test_a_test_that_leaves_a_violation_fails_at_teardown() -> None:
    from tests.fakes.telegram import load_bot_api_spec

    async with FakeTelegram(load_bot_api_spec()) as fake:
        bot = make_bot(fake.token, fake.url)
        with pytest.raises(TelegramBadRequest):
            await bot.session(bot, SendMessage(chat_id=1, text=""))
        await bot.session.close()
    with pytest.raises(pytest.fail.Exception, match="required parameter 'text' is missing"):
        fake.assert_no_violations()


async def test_dispatcher_polling_answers_a_users_start(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Hello {message.from_user.first_name}!")  # type: ignore[union-attr]

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    ana = fake_telegram.make_user("Ana")
    fake_telegram.user_sends_text(ana, "/start")
    polling = asyncio.create_task(dispatcher.start_polling(telegram_bot, handle_signals=False))
    try:
        await _until(lambda: fake_telegram.sent_messages(ana.id))
        # A second update arrives while the bot long-polls: it is served at once.
        fake_telegram.user_sends_text(ana, "/start")
        await _until(lambda: len(fake_telegram.sent_messages(ana.id)) == 2)
    finally:
        await dispatcher.stop_polling()
        await polling
    assert fake_telegram.last_message(ana.id).text == "Hello Ana!"
    # Message ids count per chat, the user's own messages included.
    assert [m.message_id for m in fake_telegram.sent_messages(ana.id)] == [2, 4]


async def test_pressing_a_button_reaches_the_bot_and_is_answered(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    router = Router()

    @router.callback_query(F.data == "yes")
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("Noted")
        await query.message.edit_text("Thanks", reply_markup=None)  # type: ignore[union-attr]

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    ana = fake_telegram.make_user()
    await telegram_bot.send_message(ana.id, "Agree?", reply_markup=_keyboard(("Yes", "yes")))
    message = fake_telegram.last_message(ana.id)

    with pytest.raises(AssertionError, match="no button with callback_data='maybe'"):
        fake_telegram.user_presses_button(ana, message, "maybe")
    query = fake_telegram.user_presses_button(ana, message, "yes")
    (update,) = fake_telegram.pending_updates
    await dispatcher.feed_raw_update(telegram_bot, update)

    assert query.answer is not None and query.answer["text"] == "Noted"
    assert (message.text, message.buttons) == ("Thanks", [])


async def test_editing_without_change_is_refused_like_telegram(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    sent = await telegram_bot.send_message(ana.id, "Same")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await telegram_bot.edit_message_text(
            text="Same", chat_id=ana.id, message_id=sent.message_id
        )
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await telegram_bot.send_message(424242, "Nobody")
    assert fake_telegram.violations == []


async def test_injected_429_raises_retry_after_with_its_delay(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana, ben = fake_telegram.make_user("Ana"), fake_telegram.make_user("Ben")
    fake_telegram.fail_with_retry_after(7, method="sendMessage", chat_id=ana.id, times=2)

    await telegram_bot.send_message(ben.id, "Ben is not limited")
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await telegram_bot.send_message(ana.id, "Hi")
        assert caught.value.retry_after == 7
    await telegram_bot.send_message(ana.id, "Third time lucky")
    assert fake_telegram.too_many_requests_count == 2
    assert [m.text for m in fake_telegram.sent_messages(ana.id)] == ["Third time lucky"]


async def test_blocked_user_raises_forbidden(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    fake_telegram.block(ana)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await telegram_bot.send_message(ana.id, "Hi")
    assert fake_telegram.calls_to("sendMessage")[0].status == 403


async def test_rate_limits_answer_429_per_chat_and_overall(fake_telegram: FakeTelegram) -> None:
    now = [1000.0]
    limiter = fake_telegram.enforce_rate_limits(clock=lambda: now[0])
    assert isinstance(limiter, RateLimiter)
    users = [fake_telegram.make_user(f"U{i}") for i in range(31)]
    group = fake_telegram.make_group()
    bot = make_bot(fake_telegram.token, fake_telegram.url)
    try:
        await bot.send_message(users[0].id, "one")
        with pytest.raises(TelegramRetryAfter) as per_chat:
            await bot.send_message(users[0].id, "two in the same second")
        assert per_chat.value.retry_after == 1
        for user in users[1:30]:
            await bot.send_message(user.id, "broadcast")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(users[30].id, "the 31st this second")
        now[0] += 1.0
        await bot.send_message(users[30].id, "next second")
        for i in range(20):
            now[0] += 0.1
            await bot.send_message(group.id, f"group {i}")
        with pytest.raises(TelegramRetryAfter) as per_group:
            await bot.send_message(group.id, "21st this minute")
        assert 55 <= per_group.value.retry_after <= 59
    finally:
        await bot.session.close()
    assert fake_telegram.too_many_requests_count == 3


async def test_document_upload_is_recorded_with_name_and_bytes(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    data = b"name,city\nAna,Barcelona\n"
    sent = await telegram_bot.send_document(
        ana.id, BufferedInputFile(data, filename="results.csv"), caption="Results"
    )
    (document,) = fake_telegram.sent_documents(ana.id)
    assert document.file is not None
    assert (document.file.filename, document.file.data) == ("results.csv", data)
    assert document.caption == "Results"
    assert sent.document is not None and sent.document.file_name == "results.csv"

    # The file can be sent again by id, and downloaded back.
    await telegram_bot.send_photo(ana.id, sent.document.file_id)
    downloaded = await telegram_bot.download(sent.document.file_id)
    assert downloaded is not None and downloaded.read() == data


async def test_caption_over_1024_characters_is_refused(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    photo = BufferedInputFile(b"\x89PNG", filename="card.png")
    with pytest.raises(TelegramBadRequest, match="caption must be 0-1024"):
        await telegram_bot.send_photo(ana.id, photo, caption="c" * 1025)
    assert len(fake_telegram.pop_violations()) == 1


async def test_poll_answer_reaches_the_bot_only_for_named_polls(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    ana = fake_telegram.make_user()
    # aiogram accepts plain strings as options, but the spec wants InputPollOption objects.
    with pytest.raises(TelegramBadRequest, match="expected InputPollOption"):
        await telegram_bot.send_poll(ana.id, "Best day?", ["Mon", "Tue"])
    assert len(fake_telegram.pop_violations()) == 1
    await telegram_bot.send_poll(ana.id, "Best day?", _options("Mon", "Tue"))
    with pytest.raises(AssertionError, match="anonymous poll"):
        fake_telegram.user_answers_poll(ana, fake_telegram.sent_polls(ana.id)[0], [0])

    await telegram_bot.send_poll(
        ana.id, "Café topic?", _options("Parks", "Schools"), is_anonymous=False
    )
    poll_message = fake_telegram.sent_polls(ana.id)[-1]
    update = fake_telegram.user_answers_poll(ana, poll_message, [1])
    answer = PollAnswer.model_validate(update["poll_answer"])
    assert answer.option_ids == [1] and answer.user is not None and answer.user.id == ana.id

    stopped = await telegram_bot.stop_poll(ana.id, poll_message.message_id)
    assert stopped.is_closed and [o.voter_count for o in stopped.options] == [0, 1]
    with pytest.raises(TelegramBadRequest):
        await telegram_bot.send_poll(ana.id, "Too many?", _options(*map(str, range(13))))
    assert len(fake_telegram.pop_violations()) == 1


async def test_webhook_helper_posts_updates_with_the_secret_token(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    received: list[tuple[str | None, dict]] = []

    async def webhook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response(status=200 if secret == "s3cret" else 401)

    app = web.Application()
    app.router.add_post("/webhooks/telegram", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}/webhooks/telegram"
    try:
        await telegram_bot.set_webhook(url, secret_token="s3cret")
        ana = fake_telegram.make_user()
        fake_telegram.user_sends_text(ana, "hello")
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await telegram_bot.get_updates()
        assert await fake_telegram.deliver_to_webhook() == [200]
        assert await fake_telegram.post_update(url, {"update_id": 99}, "wrong") == 401
        info = await telegram_bot.get_webhook_info()
    finally:
        await runner.cleanup()
    assert received[0][0] == "s3cret"
    assert received[0][1]["message"]["text"] == "hello"
    assert (info.url, info.pending_update_count) == (url, 0)


async def test_commands_chat_and_file_methods_answer_realistically(
    fake_telegram: FakeTelegram, telegram_bot: Bot
) -> None:
    from aiogram.types import BotCommand

    ana = fake_telegram.make_user("Ana", username="ana_bcn")
    await telegram_bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await telegram_bot.get_my_commands()] == ["start"]
    chat = await telegram_bot.get_chat(ana.id)
    assert (chat.id, chat.type, chat.username) == (ana.id, "private", "ana_bcn")
    photo = fake_telegram.user_sends_photo(ana, b"jpeg-bytes", caption="our square")
    assert photo.file is not None
    file = await telegram_bot.get_file(photo.file.file_id)
    assert file.file_size == len(b"jpeg-bytes")
    sent = await telegram_bot.send_message(ana.id, "bye")
    assert await telegram_bot.delete_message(ana.id, sent.message_id)
    assert fake_telegram.sent_messages(ana.id) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await telegram_bot.delete_message(ana.id, sent.message_id)
    assert json.loads(json.dumps(fake_telegram.pending_updates))[0]["message"]["caption"]


def _options(*texts: str) -> list[InputPollOption]:
    return [InputPollOption(text=text) for text in texts]


def aiohttp_session():  # type: ignore[no-untyped-def]
    import aiohttp

    return aiohttp.ClientSession()


async def _until(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting for the bot"
        await asyncio.sleep(0.01)
