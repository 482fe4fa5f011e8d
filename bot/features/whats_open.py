"""Showing a person what is open for them (engagement.open_offers) when they join or come
back: each consultation and café as its invitation, with its button, in their language and
timezone; each poll sent through its own broadcast so that the answer counts with the rest.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.telegram_messages import reply_markup
from bot.config import BotConfig
from engagement import open_offers
from engagement.cafes import notices
from engagement.consultations import invitations
from engagement.reader_time import person_zone
from outbox.content import content_for
from storage import consultations_queries
from storage.base import utcnow
from storage.broadcasts import BroadcastKind
from storage.cafes import NoticeKind
from storage.people import Person

log = logging.getLogger(__name__)


async def show_what_is_open(
    bot: Bot, session: AsyncSession, person: Person, language: str, config: BotConfig
) -> int:
    """Send the person every open consultation and café meant for them (as its invitation,
    with its button) and queue the open polls they have not had; how many were offered."""
    if person.telegram_id is None:
        return 0
    found = await open_offers.open_for(session, person, now=utcnow())
    tz = await person_zone(session, person, config.timezone)
    payloads = [
        invitations.payload(
            await consultations_queries.get_consultation(session, consultation_id),
            invitations.INVITE,
            tz,
        )
        for consultation_id in found.consultations
    ]
    payloads += [notices.payload(cafe, NoticeKind.invite, tz.key) for cafe in found.cafes]
    for payload in payloads:
        content = content_for(BroadcastKind.text, payload, language)
        assert content.text is not None  # a text payload always has one
        try:
            await bot.send_message(
                person.telegram_id, content.text, reply_markup=reply_markup(content)
            )
        except TelegramAPIError as exc:  # blocked meanwhile: nothing to show
            log.warning("could not show person %s what is open: %s", person.id, exc)
            return 0
    if found.polls:
        await open_offers.queue_polls(session, person, found.polls, language=language)
    return len(payloads) + len(found.polls)
