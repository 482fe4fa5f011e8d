"""/help: what this person may do here, by role."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.features.whats_open import show_what_is_open
from storage import people_queries
from storage.people import Person, Role


async def help_for(session: AsyncSession, person: Person) -> str:
    """`help_text` with the names of the cities the person represents, read from the database."""
    return help_text(
        person, await people_queries.city_names(session, person.represented_city_ids())
    )


def help_text(person: Person, cities: Sequence[str] = ()) -> str:
    """The commands and roles of `person` (representing `cities`), in the current language."""
    lines: list[str] = [_("Here is what you can do:")]
    if not person.roles:
        lines.append(_("/start: tell me who you are, so I send you what concerns you"))
    if cities:
        lines.append(
            _(
                "You represent {cities}. When the secretariat opens a consultation for your "
                "city, I send it here: one tap per answer."
            ).format(cities=html.escape(", ".join(sorted(cities))))
        )
    if person.has_role(Role.youth):
        lines.append(_("You are registered as a young person: calls for ideas will come here."))
    if person.has_role(Role.member):
        lines.append(_("You follow the network's news: I will write when there is something new."))
    lines += [
        _("/language: change the language"),
        _("/timezone: the timezone in which I write times to you"),
        _("/privacy: what I keep about you"),
        _("/forget: erase everything I know about you"),
        _("/help: this list"),
    ]
    if person.is_staff:
        lines += [
            "",
            _("Secretariat staff:"),
            _("/invite CITY: create an invitation link for a city's representative"),
            _("/requests: representation requests waiting for a decision"),
            _("/bulletins: bulletin drafts waiting: preview, leave items out, editorial, approve"),
            _(
                "/consultations: list consultations, open or close them, see the results; "
                "send a consultation's YAML file with the caption /consultations to create it"
            ),
            _("/ideas: young people's ideas waiting for review"),
            _("/polls: the latest polls and their results"),
            _(
                "/cafes: the latest virtual cafés and their reports; send a café's YAML file "
                "with the caption /cafes to schedule it"
            ),
            _("/broadcast: messages being sent to many people, and their progress"),
            _("/campaign: the International Day campaign: its steps, who gets what, the report"),
        ]
    return "\n".join(lines)


async def show_help(
    message: Message,
    session: AsyncSession,
    person: Person,
    bot: Bot,
    i18n: I18n,
    config: BotConfig,
) -> None:
    await message.answer(await help_for(session, person))
    await show_what_is_open(bot, session, person, i18n.current_locale, config)


def build_router() -> Router:
    router = Router(name="help")
    router.message.register(show_help, Command("help"))
    return router
