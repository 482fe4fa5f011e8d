"""Staff-only commands, flood control and a handler that fails."""

from __future__ import annotations

import logging

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy import func, select

from bot.features.staff_gate import STAFF_COMMANDS
from bot.flood import FloodGuard, Verdict
from storage.representatives import CityInvite
from tests.bot.conftest import Harness, HarnessFactory


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_every_staff_command_is_refused_to_everyone_else(
    harness: Harness, command: str
) -> None:
    await harness.add_city("Barcelona", "ES", ["ca"])
    ana = harness.fake.make_user("Ana", language_code="en")
    answer = await harness.say(ana, f"/{command} Barcelona")
    assert answer.text == "Sorry, only the secretariat staff can use this command."
    async with harness.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CityInvite)) == 0


async def test_staff_creates_an_invite_link_in_the_bot(harness: Harness) -> None:
    await harness.add_city("Barcelona", "ES", ["ca"])
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    answer = (await harness.say(ines, "/invite barcelona")).text or ""
    assert "https://t.me/aive_test_bot?start=" in answer
    token = answer.rsplit("start=", 1)[1]
    marta = harness.fake.make_user("Marta", language_code="ca")
    assert "Barcelona" in ((await harness.say(marta, f"/start {token}")).text or "")
    assert "¿Qué ciudad?" in ((await harness.say(ines, "/invite")).text or "")
    assert (await harness.say(ines, "/requests")).text == "No hay ninguna solicitud pendiente."


def test_flood_guard_allows_a_burst_warns_once_then_drops_until_refilled() -> None:
    now = [0.0]
    guard = FloodGuard(burst=3, interval=1.0, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(5)] == [
        Verdict.allow,
        Verdict.allow,
        Verdict.allow,
        Verdict.warn,
        Verdict.drop,
    ]
    assert guard.check(2) is Verdict.allow  # another user is not affected
    now[0] = 1.0
    assert guard.check(1) is Verdict.allow
    assert guard.check(1) is Verdict.warn  # a new flood gets a new warning


async def test_a_flood_gets_one_polite_warning_and_the_rest_is_dropped(
    make_harness: HarnessFactory,
) -> None:
    now = [0.0]
    harness = make_harness(flood_guard=FloodGuard(burst=3, interval=1.0, clock=lambda: now[0]))
    ana = harness.fake.make_user("Ana", language_code="es")
    for _ in range(10):
        harness.fake.user_sends_text(ana, "/help")
    await harness.process()
    texts = harness.texts(ana)
    assert len(texts) == 4
    assert texts[3].startswith("Envía mensajes más rápido de lo que puedo leerlos.")
    now[0] = 5.0
    assert "/help" in ((await harness.say(ana, "/help")).text or "")


async def test_a_failing_handler_is_logged_and_the_user_gets_a_polite_sentence(
    make_harness: HarnessFactory, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Router(name="broken")

    @broken.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError("the database exploded")

    harness = make_harness(routers=[broken])
    ana = harness.fake.make_user("Ana", language_code="pt")
    with caplog.at_level(logging.ERROR):
        answer = await harness.say(ana, "/boom")
    assert (answer.text or "").startswith("Lamentamos, algo correu mal do nosso lado.")
    assert "the database exploded" not in (answer.text or "")
    assert any("the database exploded" in r.getMessage() or r.exc_info for r in caplog.records)
    # the bot keeps running
    assert "/help" in ((await harness.say(ana, "/help")).text or "")


async def test_anything_else_gets_a_hint_not_silence(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana", language_code="en")
    answer = await harness.say(ana, "hello?")
    assert (answer.text or "").startswith("I did not understand that.")
