"""/forget in the bot also deletes the console's copies of the person's photos and voice notes
(the bot is configured with the same media folder as the console); other people's stay."""

from __future__ import annotations

from pathlib import Path

from aiogram import Bot

from bot.config import BotConfig
from bot.dispatcher import build_dispatcher
from engagement.youth.media import MediaShelf
from storage.engine import SessionFactory
from storage.youth import YouthSubmission
from tests.bot.conftest import SIGNING_KEY, Harness
from tests.fakes.telegram import FakeTelegram
from tests.web.console.youth_world import PHOTO, VOICE, youth_world


async def test_forget_deletes_the_consoles_copies_of_the_persons_media(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await youth_world(sessions, fake_telegram)
    shelf = MediaShelf(tmp_path / "youth-media")
    async with sessions() as session:
        for idea, data in ((world.photo_idea, PHOTO), (world.voice_idea, VOICE)):

            async def download(file_id: str, data: bytes = data) -> bytes:
                return data

            await shelf.fetch(await session.get_one(YouthSubmission, idea), download)
    config = BotConfig(
        token=fake_telegram.token,
        api_url=fake_telegram.url,
        signing_key=SIGNING_KEY,
        flood_burst=1000,
        youth_media_dir=shelf.root,
    )
    dp = build_dispatcher(config, sessions)
    harness = Harness(fake_telegram, telegram_bot, dp, sessions, config)
    try:
        ask = await harness.say(world.yuna, "/forget")
        await harness.press(world.yuna, ask, ask.buttons[0]["callback_data"])  # yes
    finally:
        await dp.storage.close()
    assert not shelf.path(world.photo_idea).exists()
    assert shelf.path(world.voice_idea).read_bytes() == VOICE  # Tomás's stays
