"""Updates handled per second through a consultation, against a minimal echo bot.

Both run in the same process against the same fake Bot API server (HTTP on 127.0.0.1, every call
checked against the Bot API spec) with a real aiogram Bot, fed with `dp.feed_raw_update`.
Consultation: each city representative presses the invitation, answers a single choice, toggles
two options and presses Done, picks a scale step, types a text and a number, then submits
(9 updates, each a few SQL statements and commits on SQLite plus 1-3 Bot API calls).
Echo: one text update answered with one sendMessage, no database. Goal: ≥ 0.3× echo.
Also printed, to show where the time goes: the same updates replayed through a handler that
makes the same Bot API calls (answerCallbackQuery + editMessageText for a button, sendMessage
with a keyboard for a typed answer) with no middleware and no database: the most a consultation
can reach against echo on this fake server.

Both are warmed up first (one city's flow and 50 echoes, untimed: aiogram builds its response
models on first use). The machine is shared, so the cities go in rounds, each followed by the
same number of echo updates (the order alternates); the figures are medians over the rounds and
the ratio is the median of the rounds' ratios.
"""

# ruff: noqa: E402  (this file is named bot.py: the path is fixed before importing our `bot`)
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from app.catalogs import compile_all
from bot.config import BotConfig
from bot.dispatcher import build_dispatcher
from bot.engagement.consultations import service
from bot.session import make_bot
from storage import migrate
from storage.consultations import ConsultationStatus
from storage.engine import create_engine, create_session_factory
from tests.bot.conftest import button_data
from tests.bot.consultation_support import add_city, add_representative, create_declaration
from tests.fakes.specs import find_spec
from tests.fakes.telegram import SPEC_ENV, SPEC_FILE, FakeTelegram, _load_spec
from tests.fakes.telegram_objects import FakeUser as FakeUserT

CITIES = 41
ROUNDS = 8  # the cities after the warm-up one, in this many rounds


async def feed_all(dp: Dispatcher, bot: object, fake: FakeTelegram) -> int:
    pending = fake.world.updates.pending
    n = 0
    while pending:
        await dp.feed_raw_update(bot, pending.pop(0))  # type: ignore[arg-type]
        n += 1
    return n


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def same_calls_dispatcher() -> Dispatcher:
    """Answers like the consultation does, Bot API call for call, without any of its work."""
    router = Router()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"Option {i}", callback_data=f"x:{i}")] for i in range(5)
        ]
    )
    edits = itertools.count()

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            text = f"Question {next(edits)}: what should the declaration say about inclusion?"
            await query.message.edit_text(text, reply_markup=keyboard)

    @router.message()
    async def typed(message: Message) -> None:
        await message.answer(
            "Question 7/7: how many young people took part?", reply_markup=keyboard
        )

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def echo_rate(fake: FakeTelegram, dp: Dispatcher, bot: object, updates: int) -> float:
    for i in range(updates):
        fake.user_sends_text(fake.make_user(f"E{i}"), "hello")
    start = time.perf_counter()
    n = await feed_all(dp, bot, fake)
    return n / (time.perf_counter() - start)


async def replay_rate(
    fake: FakeTelegram, dp: Dispatcher, bot: object, updates: list[dict[str, Any]]
) -> float:
    for update in updates:  # the consultation answered these queries; let them be answered again
        if "callback_query" in update:
            fake.world.callback_queries[update["callback_query"]["id"]].answer = None
    start = time.perf_counter()
    for update in updates:
        await dp.feed_raw_update(bot, update)  # type: ignore[arg-type]
    return len(updates) / (time.perf_counter() - start)


async def consultation_rates(
    fake: FakeTelegram, workdir: Path, echo: Dispatcher, echo_bot: object
) -> list[tuple[float, float, float, int]]:
    """(consultation updates/s, echo updates/s, same calls without the work, updates) a round."""
    engine = create_engine(f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    await migrate.upgrade(engine)
    sessions = create_session_factory(engine)
    config = BotConfig(token=fake.token, api_url=fake.url, flood_burst=10_000)
    dp = build_dispatcher(config, sessions)
    bot = make_bot(fake.token, fake.url)
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await service.set_status(session, consultation_id, ConsultationStatus.open, actor="b")
    people = []
    for i in range(CITIES):
        city = await add_city(sessions, f"City {i}", "ES")
        user = fake.make_user(f"R{i}", language_code="en")
        await add_representative(sessions, user, city, ["en", "ca", "pt", "fr"][i % 4])
        people.append(user)
    handled = 0
    elapsed = 0.0
    fed: list[dict[str, Any]] = []
    same_calls = same_calls_dispatcher()

    async def step() -> None:
        nonlocal handled, elapsed
        fed.extend(fake.world.updates.pending)
        start = time.perf_counter()
        handled += await feed_all(dp, bot, fake)
        elapsed += time.perf_counter() - start

    async def answer_consultation(user: FakeUserT) -> None:
        invite = fake.world.new_message(
            fake.world.chat(user.id),
            fake.bot_user,
            text="invite",
            reply_markup={
                "inline_keyboard": [[{"text": "Go", "callback_data": f"co:{consultation_id}"}]]
            },
        )
        fake.user_presses_button(user, invite, f"co:{consultation_id}")
        await step()
        for index in (0, 0, 1, -1, 3):  # inclusion; toggle 1st, 2nd; Done; scale 4
            last = fake.last_message(user.id)
            buttons = [b for b in last.buttons if not b["text"].startswith("◀")]
            fake.user_presses_button(user, last, buttons[index]["callback_data"])
            await step()
        fake.user_sends_text(user, "Because nobody is left behind")
        await step()
        fake.user_sends_text(user, "250")
        await step()
        review = fake.last_message(user.id)
        fake.user_presses_button(user, review, button_data(review, "✅"))
        await step()
        thanks = fake.last_message(user.id)  # in the reader's language: one button, Change
        assert len(thanks.buttons) == 1 and thanks.buttons[0]["callback_data"].endswith(":c")

    rounds = []
    try:
        await answer_consultation(people[0])  # warm-up
        await replay_rate(fake, same_calls, bot, fed)  # warm-up
        for r, batch in enumerate(batches(people[1:], ROUNDS)):
            handled, elapsed = 0, 0.0
            fed.clear()
            if r % 2:
                echo_rate_ = await echo_rate(fake, echo, echo_bot, len(batch) * 9)
            for user in batch:
                await answer_consultation(user)
            if not r % 2:
                echo_rate_ = await echo_rate(fake, echo, echo_bot, handled)
            same = await replay_rate(fake, same_calls, bot, fed)
            rounds.append((handled / elapsed, echo_rate_, same, handled))
        return rounds
    finally:
        await dp.storage.close()
        await bot.session.close()
        await engine.dispose()


def batches(items: Sequence[FakeUserT], n: int) -> list[Sequence[FakeUserT]]:
    size = -(-len(items) // n)
    return [items[i : i + size] for i in range(0, len(items), size)]


async def main() -> None:
    compile_all()
    path = find_spec(SPEC_FILE, SPEC_ENV)
    if path is None:
        raise SystemExit(f"{SPEC_FILE} not found: set {SPEC_ENV}")
    async with FakeTelegram(_load_spec(str(path))) as fake:
        echo = echo_dispatcher()
        echo_bot = make_bot(fake.token, fake.url)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                await echo_rate(fake, echo, echo_bot, 50)  # warm-up
                rounds = await consultation_rates(fake, Path(tmp), echo, echo_bot)
        finally:
            await echo_bot.session.close()
    flow = statistics.median(r[0] for r in rounds)
    echo_rate_ = statistics.median(r[1] for r in rounds)
    ratio = statistics.median(r[0] / r[1] for r in rounds)
    same = statistics.median(r[2] for r in rounds)
    same_ratio = statistics.median(r[2] / r[1] for r in rounds)
    handled = sum(r[3] for r in rounds)
    spread = ", ".join(f"{r[0] / r[1]:.2f}" for r in rounds)
    print(f"echo bot:          {echo_rate_:8.1f} updates/s (median of {len(rounds)} rounds)")
    print(f"consultation flow: {flow:8.1f} updates/s ({handled} updates, {CITIES - 1} cities)")
    print(f"ratio:             {ratio:8.2f}x echo (goal >= 0.3x; rounds: {spread})")
    print(
        f"same Bot API calls, no middleware, no database: {same:.1f} updates/s, "
        f"{same_ratio:.2f}x echo (the ceiling on this fake server)"
    )


if __name__ == "__main__":
    asyncio.run(main())
