"""Young people's ideas waiting for the console's moderators, with their photo or voice note
at the fake Telegram, and a console wired to that fake through our real bot (the desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from bot.youth_desk import TelegramYouthDesk
from engagement.youth.media import MediaShelf
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.networks import City
from storage.people import Person
from storage.youth import (
    AgeBracket,
    MediaKind,
    PublishAs,
    Theme,
    YouthProfile,
    YouthSubmission,
)
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_objects import FakeUser, UploadedFile, file_id_for
from tests.web.console.helpers import console_app
from web.console.youth_media import YOUTH_DESK, YOUTH_MEDIA

PHOTO = b"\xff\xd8\xff\xe0" + b" a drawing of a bike lane next to the school" * 20
VOICE = b"OggS\x00\x02" + b" a voice note about a skate park" * 20


@dataclass
class YouthWorld:
    yuna: FakeUser  # 15, Changwon, reads Spanish, a photo, signs with her first name
    tomas: FakeUser  # 17, Lyon, reads French, a voice note, anonymous
    photo_idea: int
    voice_idea: int
    yuna_person: int
    tomas_person: int


async def _author(
    sessions: SessionFactory, user: FakeUser, language: str, bracket: AgeBracket, sign: bool
) -> int:
    async with sessions() as session:
        person = Person(telegram_id=user.id, display_name=user.first_name, language=language)
        session.add(person)
        await session.flush()
        now = utcnow()
        session.add(
            YouthProfile(
                person_id=person.id,
                age_bracket=bracket,
                guardian_consent_at=now if bracket is AgeBracket.under_16 else None,
                publish_as=PublishAs.first_name if sign else PublishAs.anonymous,
                first_name=user.first_name if sign else None,
            )
        )
        await session.commit()
        return person.id


async def _idea(
    sessions: SessionFactory,
    person_id: int,
    city: str,
    country: str,
    title: str,
    language: str,
    media: tuple[MediaKind, str] | None,
    age: timedelta,
) -> int:
    async with sessions() as session:
        place = City(name=city, country=country)
        session.add(place)
        await session.flush()
        idea = YouthSubmission(
            person_id=person_id,
            title=title,
            text=f"{title}: what we would change, and why.",
            language=language,
            theme=Theme.city_and_childhood,
            city_id=place.id,
            media_kind=media[0] if media else None,
            media_file_id=media[1] if media else None,
            created_at=utcnow() - age,
        )
        session.add(idea)
        await session.commit()
        return idea.id


def at_telegram(fake: FakeTelegram, data: bytes, filename: str) -> str:
    """A file a user sent, as Telegram keeps it; its file_id."""
    return fake.world.store_file(UploadedFile(file_id_for(data, ""), filename, data)).file_id


async def youth_world(sessions: SessionFactory, fake: FakeTelegram) -> YouthWorld:
    yuna = fake.make_user("Yuna", language_code="ko")
    tomas = fake.make_user("Tomás", language_code="fr")
    yuna_id = await _author(sessions, yuna, "es", AgeBracket.under_16, sign=True)
    tomas_id = await _author(sessions, tomas, "fr", AgeBracket.from_16_to_17, sign=False)
    photo = at_telegram(fake, PHOTO, "photo.jpg")
    voice = at_telegram(fake, VOICE, "voice.ogg")
    photo_idea = await _idea(
        sessions,
        yuna_id,
        "Changwon",
        "KR",
        "Safe bike lanes to school",
        "en",
        (MediaKind.photo, photo),
        timedelta(hours=2),
    )
    voice_idea = await _idea(
        sessions,
        tomas_id,
        "Lyon",
        "FR",
        "Un skatepark près du lycée",
        "fr",
        (MediaKind.voice, voice),
        timedelta(hours=1),
    )
    return YouthWorld(yuna, tomas, photo_idea, voice_idea, yuna_id, tomas_id)


def youth_console(
    sessions: SessionFactory, tmp_path: Path, fake: FakeTelegram
) -> tuple[web.Application, TelegramYouthDesk, MediaShelf]:
    """The console as `aive web` builds it, its Telegram desk on the fake Bot API."""
    app = console_app(sessions, tmp_path / "outbox")
    desk = TelegramYouthDesk(fake.token, fake.url, "en")
    shelf = MediaShelf(tmp_path / "youth-media")
    app[YOUTH_DESK] = desk
    app[YOUTH_MEDIA] = shelf

    async def close(app: web.Application) -> None:
        await desk.close()

    app.on_cleanup.append(close)
    return app, desk, shelf
