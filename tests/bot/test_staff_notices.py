"""Staff hear in the bot, in their language, that the scheduler composed new drafts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.staff_notices import notify_staff_of_drafts
from newsletter.editions import service as bulletins
from newsletter.editions.jobs import compose_scheduled_drafts
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from tests.newsletter.bulletin_samples import NOW, build_world

CONFIG = bulletins.BulletinConfig(public_url="https://bulletin.example.org")


async def test_staff_get_one_message_per_batch_of_drafts_in_their_language(
    sessions: SessionFactory,
) -> None:
    async with sessions() as s:
        await build_world(s)
        s.add(Person(telegram_id=501, language="es", roles=[PersonRole(role=Role.staff)]))
        s.add(Person(telegram_id=502, language="fr", roles=[PersonRole(role=Role.member)]))
        await s.commit()
    drafts = await compose_scheduled_drafts(sessions, NOW + timedelta(minutes=3), CONFIG)
    assert drafts

    async with sessions() as s:
        assert await notify_staff_of_drafts(s, drafts) == 1
        assert await notify_staff_of_drafts(s, drafts) == 1  # rerun: same broadcast key
        broadcasts = (await s.scalars(select(Broadcast))).all()
        rows = (await s.scalars(select(BroadcastMessage))).all()
    assert len(broadcasts) == 1 and [r.chat_id for r in rows] == [501]
    spanish = broadcasts[0].payload["text"]["es"]
    assert spanish.startswith("Hay nuevos borradores de boletín listos para revisar:")
    assert "/bulletins" in spanish  # where they preview, edit and approve them
    assert spanish.count("• ") == len(drafts)


async def test_no_staff_no_message(sessions: SessionFactory) -> None:
    async with sessions() as s:
        await build_world(s)
    drafts = await compose_scheduled_drafts(sessions, NOW + timedelta(minutes=3), CONFIG)
    async with sessions() as s:
        assert await notify_staff_of_drafts(s, drafts) == 0
        assert (await s.scalars(select(Broadcast))).all() == []
