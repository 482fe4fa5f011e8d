"""Updates handled per second through a consultation, against a minimal echo bot.

Both run in the same process against the same fake Bot API server (HTTP on 127.0.0.1, every call
checked against the Bot API spec) with a real aiogram Bot, fed with `dp.feed_raw_update`.
Consultation: each city representative presses the invitation, answers a single choice, toggles
two options and presses Done, picks a scale step, types a text and a number, then submits
(9 updates, each a few SQL statements and commits on SQLite plus 1-3 Bot API calls).
Echo: one text update answered with one sendMessage, no database. Goal: ≥ 0.3× echo.
Also printed, to show where the time goes, the same updates replayed through two references:
- ceiling: a handler that makes the same Bot API calls (answerCallbackQuery + editMessageText
  for a button, sendMessage with a keyboard for a typed answer), with no middleware and no
  database: the most a consultation can reach against echo on this fake server;
- floor: the same calls after storing one answer (an UPDATE and a COMMIT through the storage
  layer, SQLAlchemy async on SQLite), still with no middleware and no read. A consultation
  step does at least this (progress is stored after every answer) plus finding the person,
  reading the response to check the button is current, and rendering the next screen.

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
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import bindparam, select
from sqlalchemy import update as update_statement
from sqlalchemy.ext.asyncio import AsyncEngine

from app.catalogs import compile_all
from bot.config import BotConfig
from bot.dispatcher import build_dispatcher
from bot.session import make_bot
from engagement.consultations import lifecycle
from storage import migrate
from storage.base import utcnow
from storage.consultations import ConsultationResponse, ConsultationStatus
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


EDITS = itertools.count()  # every edit a new text: Telegram refuses an edit that changes nothing
Store = Callable[[], Awaitable[None]]


def same_calls_dispatcher(store: Store | None = None) -> Dispatcher:
    """Answers like the consultation does, Bot API call for call, without any of its work;
    with `store`, awaited first on every update (one answer written to the database)."""
    router = Router()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"Option {i}", callback_data=f"x:{i}")] for i in range(5)
        ]
    )

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        if store is not None:
            await store()
        await query.answer()
        if isinstance(query.message, Message):
            text = f"Question {next(EDITS)}: what should the declaration say about inclusion?"
            await query.message.edit_text(text, reply_markup=keyboard)

    @router.message()
    async def typed(message: Message) -> None:
        if store is not None:
            await store()
        await message.answer(
            "Question 7/7: how many young people took part?", reply_markup=keyboard
        )

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def one_answer_stored(engine: AsyncEngine, response_id: int) -> Store:
    """The least a consultation step must do besides the Bot API calls: store the answer, one
    UPDATE and a COMMIT through the storage layer (SQLAlchemy async, here on SQLite)."""
    statement = (
        update_statement(ConsultationResponse)
        .where(ConsultationResponse.id == response_id)
        .values(answers=bindparam("answers"), updated_at=bindparam("at"))
    )

    async def store() -> None:
        async with engine.begin() as connection:
            await connection.execute(statement, {"answers": {"q": next(EDITS)}, "at": utcnow()})

    return store


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


class Round(NamedTuple):
    """Updates per second in one round: the consultation, echo, and the two references."""

    flow: float
    echo: float
    ceiling: float  # the same Bot API calls, nothing else
    floor: float  # the same Bot API calls and one answer stored
    handled: int


async def consultation_rates(
    fake: FakeTelegram, workdir: Path, echo: Dispatcher, echo_bot: object
) -> list[Round]:
    engine = create_engine(f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    await migrate.upgrade(engine)
    sessions = create_session_factory(engine)
    config = BotConfig(token=fake.token, api_url=fake.url, flood_burst=10_000)
    dp = build_dispatcher(config, sessions)
    bot = make_bot(fake.token, fake.url)
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="b")
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
    one_write: Dispatcher | None = None

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
        async with sessions() as session:
            response_id = await session.scalar(select(ConsultationResponse.id).limit(1))
        assert response_id is not None
        one_write = same_calls_dispatcher(one_answer_stored(engine, response_id))
        await replay_rate(fake, one_write, bot, fed)  # warm-up
        for r, batch in enumerate(batches(people[1:], ROUNDS)):
            handled, elapsed = 0, 0.0
            fed.clear()
            if r % 2:
                echo_rate_ = await echo_rate(fake, echo, echo_bot, len(batch) * 9)
            for user in batch:
                await answer_consultation(user)
            if not r % 2:
                echo_rate_ = await echo_rate(fake, echo, echo_bot, handled)
            ceiling = await replay_rate(fake, same_calls, bot, fed)
            floor = await replay_rate(fake, one_write, bot, fed)
            rounds.append(Round(handled / elapsed, echo_rate_, ceiling, floor, handled))
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

    def median(rate: Callable[[Round], float]) -> float:
        return statistics.median(rate(r) for r in rounds)

    echo_rate_ = median(lambda r: r.echo)
    flow = median(lambda r: r.flow)
    ratio = median(lambda r: r.flow / r.echo)
    spread = ", ".join(f"{r.flow / r.echo:.2f}" for r in rounds)
    handled = sum(r.handled for r in rounds)
    print(f"echo bot:          {echo_rate_:8.1f} updates/s (median of {len(rounds)} rounds)")
    print(f"consultation flow: {flow:8.1f} updates/s ({handled} updates, {CITIES - 1} cities)")
    print(f"ratio:             {ratio:8.2f}x echo (goal >= 0.3x; rounds: {spread})")
    print(
        "ceiling, the same Bot API calls, no middleware, no database: "
        f"{median(lambda r: r.ceiling):.1f} updates/s, "
        f"{median(lambda r: r.ceiling / r.echo):.2f}x echo"
    )
    print(
        "floor, the same calls and one answer stored (an UPDATE and a COMMIT through the storage "
        f"layer), no middleware, no read: {median(lambda r: r.floor):.1f} updates/s, "
        f"{median(lambda r: r.floor / r.echo):.2f}x echo"
    )


if __name__ == "__main__":
    asyncio.run(main())
