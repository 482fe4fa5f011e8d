"""Updates handled per second through a consultation, against a minimal echo bot.

Both run in the same process against the same fake Bot API server (HTTP on 127.0.0.1, every call
checked against the Bot API spec) with a real aiogram Bot, fed with `dp.feed_raw_update`.
Consultation: each city representative presses the invitation, answers a single choice, toggles
two options and presses Done, picks a scale step, types a text and a number, then submits
(9 updates, each a few SQL statements and commits on SQLite plus 1-3 Bot API calls).
Echo: one text update answered with one sendMessage, no database. Goal: ≥ 0.3× echo.
"""

# ruff: noqa: E402  (this file is named bot.py: the path is fixed before importing our `bot`)
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

import asyncio
import tempfile
import time

from aiogram import Dispatcher, Router
from aiogram.types import Message

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

CITIES = 41


async def feed_all(dp: Dispatcher, bot: object, fake: FakeTelegram) -> int:
    pending = fake.world.updates.pending
    n = 0
    while pending:
        await dp.feed_raw_update(bot, pending.pop(0))  # type: ignore[arg-type]
        n += 1
    return n


async def echo_rate(fake: FakeTelegram, updates: int) -> float:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    bot = make_bot(fake.token, fake.url)
    users = [fake.make_user(f"E{i}") for i in range(updates)]
    try:
        for user in users:
            fake.user_sends_text(user, "hello")
        start = time.perf_counter()
        n = await feed_all(dp, bot, fake)
        return n / (time.perf_counter() - start)
    finally:
        await bot.session.close()


async def consultation_rate(fake: FakeTelegram, workdir: Path) -> tuple[float, int]:
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

    async def step() -> None:
        nonlocal handled, elapsed
        start = time.perf_counter()
        handled += await feed_all(dp, bot, fake)
        elapsed += time.perf_counter() - start

    try:
        for user in people:
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
        assert "submitted" in (fake.last_message(people[-1].id).text or "")  # English reader
        return handled / elapsed, handled
    finally:
        await dp.storage.close()
        await bot.session.close()
        await engine.dispose()


async def main() -> None:
    compile_all()
    path = find_spec(SPEC_FILE, SPEC_ENV)
    if path is None:
        raise SystemExit(f"{SPEC_FILE} not found: set {SPEC_ENV}")
    async with FakeTelegram(_load_spec(str(path))) as fake:
        with tempfile.TemporaryDirectory() as tmp:
            await echo_rate(fake, 50)  # warm up the HTTP connection pool and the spec checks
            flow, handled = await consultation_rate(fake, Path(tmp))
            echo = await echo_rate(fake, handled)
    print(f"echo bot:          {echo:8.1f} updates/s")
    print(f"consultation flow: {flow:8.1f} updates/s ({handled} updates, {CITIES} cities)")
    print(f"ratio:             {flow / echo:8.2f}x echo (goal >= 0.3x)")


if __name__ == "__main__":
    asyncio.run(main())
