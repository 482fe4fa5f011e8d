"""Inline buttons under broadcast messages: labelled in each reader's language, checked early."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from outbox import enqueue_broadcast
from outbox.content import Button, ContentError, content_for
from outbox.queue import recipients_for_chats
from storage.broadcasts import BroadcastKind
from storage.engine import SessionFactory
from tests.bot.broadcast_support import JumpingClock, add_people
from tests.fakes.telegram import FakeTelegram

INVITE: dict[str, Any] = {
    "text": {"en": "A new consultation", "ca": "Una nova consulta"},
    "buttons": [
        [{"text": {"en": "Answer", "ca": "Respon"}, "callback_data": "co:12"}],
        [{"text": "Website", "url": "https://www.edcities.org"}],
    ],
}


def test_button_labels_follow_the_reader_and_fall_back_to_english() -> None:
    catalan = content_for(BroadcastKind.text, INVITE, "ca")
    assert catalan.buttons == (
        (Button("Respon", callback_data="co:12"),),
        (Button("Website", url="https://www.edcities.org"),),
    )
    assert content_for(BroadcastKind.text, INVITE, "fr").buttons[0][0].text == "Answer"
    assert content_for(BroadcastKind.text, {"text": "Hi"}, "en").buttons == ()


@pytest.mark.parametrize(
    ("button", "problem"),
    [
        ({"text": "Go"}, "exactly one of callback_data and url"),
        ({"text": "Go", "callback_data": "x", "url": "https://a.b"}, "exactly one"),
        ({"text": "Go", "callback_data": "x" * 65}, "1 to 64 bytes"),
        ({"text": "Go", "url": "javascript:alert(1)"}, "https://"),
        ({"text": {}, "callback_data": "x"}, "needs a text"),
    ],
)
async def test_a_malformed_button_is_refused_when_queued(
    sessions: SessionFactory, button: dict[str, Any], problem: str
) -> None:
    async with sessions() as session:
        with pytest.raises(ContentError, match=problem):
            await enqueue_broadcast(
                session, BroadcastKind.text, {"text": "Hi", "buttons": [[button]]}, []
            )


async def test_each_reader_gets_the_buttons_in_their_language(
    fake_telegram: FakeTelegram, telegram_bot: Bot, sessions: SessionFactory
) -> None:
    marta = fake_telegram.make_user("Marta", language_code="ca")
    ana = fake_telegram.make_user("Ana", language_code="es")
    await add_people(sessions, [marta.id, ana.id], ["ca", "es"])
    async with sessions() as session:
        recipients = await recipients_for_chats(session, [marta.id, ana.id])
        await enqueue_broadcast(session, BroadcastKind.text, INVITE, recipients)
    clock = JumpingClock()
    sender = BroadcastSender(
        sessions, telegram_bot, limiter=RateLimiter(now=clock.now), clock=clock
    )
    assert await sender.drain() == 2
    to_marta = fake_telegram.last_message(marta.id)
    assert to_marta.text == "Una nova consulta"
    assert [b["text"] for b in to_marta.buttons] == ["Respon", "Website"]
    assert to_marta.buttons[0]["callback_data"] == "co:12"
    assert fake_telegram.last_message(ana.id).buttons[0]["text"] == "Answer"
