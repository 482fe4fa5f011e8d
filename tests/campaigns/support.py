"""Shared by the campaign tests: a small world of cities, representatives and subscribers, a
real aiogram Bot draining the chat outbox, and the email sender writing `.eml` files."""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from pathlib import Path

from aiogram import Bot

from bot.broadcast.limiter import RateLimiter
from bot.broadcast.sender import BroadcastSender
from newsletter.delivery.outbox_backend import OutboxBackend
from newsletter.delivery.recipients import recipient_urls
from newsletter.delivery.sender import Sender
from storage.engine import SessionFactory
from storage.people import Person
from storage.subscribers import Subscriber, SubscriberStatus
from tests.bot.broadcast_support import JumpingClock
from tests.bot.consultation_support import add_city, add_representative
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_objects import FakeUser


class Links:
    public_url = "https://aive.example"

    def signing_key(self) -> str:
        return "test-signing-key"

    def __call__(self, subscriber: object) -> tuple[str, str]:
        return recipient_urls(self, subscriber)  # type: ignore[arg-type]


@dataclass
class World:
    cities: dict[str, int]
    users: dict[str, FakeUser]


async def build_world(sessions: SessionFactory, fake: FakeTelegram) -> World:
    """Barcelona (Catalan and Spanish), Lisboa (Portuguese), Lyon (French); Ana reads English
    and represents no city; four confirmed subscribers and one who never confirmed."""
    cities = {
        "Barcelona": await add_city(sessions, "Barcelona", "ES", "spain"),
        "Lisboa": await add_city(sessions, "Lisboa", "PT", "portugal"),
        "Lyon": await add_city(sessions, "Lyon", "FR", "francophone"),
    }
    users = {
        "marta": fake.make_user("Marta", language_code="ca"),
        "jordi": fake.make_user("Jordi", language_code="es"),
        "joao": fake.make_user("João", language_code="pt"),
        "claire": fake.make_user("Claire", language_code="fr"),
        "ana": fake.make_user("Ana", language_code="en"),
    }
    await add_representative(sessions, users["marta"], cities["Barcelona"], "ca")
    await add_representative(sessions, users["jordi"], cities["Barcelona"], "es")
    await add_representative(sessions, users["joao"], cities["Lisboa"], "pt")
    await add_representative(sessions, users["claire"], cities["Lyon"], "fr")
    async with sessions() as session:
        session.add(Person(telegram_id=users["ana"].id, display_name="Ana", language="en"))
        for address, lang in (
            ("nuria@bcn.example", "ca"),
            ("rita@lisboa.example", "pt"),
            ("paul@lyon.example", "fr"),
            ("lucia@bcn.example", "es"),
        ):
            session.add(Subscriber(email=address, language=lang, status=SubscriberStatus.confirmed))
        session.add(Subscriber(email="late@example.org", language="fr"))  # never confirmed
        await session.commit()
    return World(cities, users)


async def drain_chat(sessions: SessionFactory, bot: Bot) -> int:
    clock = JumpingClock()
    sender = BroadcastSender(sessions, bot, limiter=RateLimiter(now=clock.now), clock=clock)
    return await sender.drain()


async def drain_email(sessions: SessionFactory, outbox: Path) -> int:
    sender = Sender(sessions, OutboxBackend(outbox), Links(), "AIVE <bulletin@example.org>")
    handled = 0
    while (report := await sender.send_next()) is not None:
        handled += report.claimed
    return handled


def mails(outbox: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(outbox.glob("*.eml")):
        found.append(email.message_from_bytes(path.read_bytes(), policy=policy.default))
    return found  # type: ignore[return-value]
