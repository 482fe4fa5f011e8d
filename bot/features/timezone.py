"""/timezone: the zone in which the bot writes times (deadlines, cafés) to this person.

Without a choice it is their city's (from its country), else the secretariat's.
`/timezone Lisbon` or `/timezone America/Sao_Paulo` sets it; `/timezone auto` forgets it.
"""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from engagement.reader_time import person_zone
from i18n.times import find_zone, zone_name
from storage.base import utcnow
from storage.people import Person

AUTOMATIC = ("auto", "automatic", "automatique", "automático", "automàtic")


async def timezone(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
) -> None:
    wanted = (command.args or "").strip()
    if wanted:
        if wanted.lower() in AUTOMATIC:
            person.timezone = None
        elif (found := find_zone(wanted)) is not None:
            person.timezone = found
        else:
            await message.answer(
                _(
                    "I do not know the timezone “{name}”. Send the name of a large city "
                    "in your timezone, e.g. /timezone Lisbon or /timezone America/Sao_Paulo."
                ).format(name=html.escape(wanted))
            )
            return
        await session.commit()
    tz = await person_zone(session, person, config.timezone)
    lang = i18n.current_locale
    now = utcnow().astimezone(tz)
    lines = [
        _("Your timezone: {zone} ({key}); it is now {time} there.").format(
            zone=zone_name(tz, lang), key=tz.key, time=f"{now:%H:%M}"
        )
    ]
    if person.timezone is None:
        lines.append(
            _(
                "It comes from your city, or from the secretariat's. To change it, send "
                "/timezone with a city in your timezone, e.g. /timezone Lisbon."
            )
        )
    else:
        lines.append(_("You chose it. To go back to your city's timezone, send /timezone auto."))
    await message.answer("\n".join(lines))


def build_router() -> Router:
    router = Router(name="timezone")
    router.message.register(timezone, Command("timezone"))
    return router
