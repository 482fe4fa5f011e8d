"""/privacy: what the bot keeps about this person, by role (the rules in bot.personal_data)."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.personal_data import keeps_name
from engagement.youth.service import get_profile
from storage.people import Person, Role


async def privacy_text(session: AsyncSession, person: Person) -> str:
    """Every piece of data kept about `person`, in the current language."""
    lines = [
        _("What I keep about you:"),
        _("· your Telegram user id, to write to you"),
        _("· the language I speak to you, and your timezone if you gave one"),
    ]
    if person.roles:
        lines.append(_("· what you are here (representative, young person, member, staff)"))
    if keeps_name(person):
        lines.append(
            _(
                "· your name as Telegram shows it ({name}), so that your colleagues and the "
                "secretariat know who answered or asked"
            ).format(name=html.escape(person.display_name))
        )
    if person.has_role(Role.city_representative):
        lines.append(_("· the cities you represent, and the answers you give for them"))
    if person.has_role(Role.youth):
        profile = await get_profile(session, person)
        lines.append(
            _(
                "· your age group, whether a parent or guardian agreed (under 16), how you "
                "want your ideas signed, and your ideas"
            )
        )
        if profile is not None and profile.first_name:
            lines.append(
                _("· your first name ({name}), because you chose to sign with it").format(
                    name=html.escape(profile.first_name)
                )
            )
    lines += [
        "",
        _(
            "Nothing else from Telegram: no surname, username, phone number or photo. "
            "/forget erases everything."
        ),
    ]
    return "\n".join(lines)


async def show_privacy(message: Message, session: AsyncSession, person: Person) -> None:
    await message.answer(await privacy_text(session, person))


def build_router() -> Router:
    router = Router(name="privacy")
    router.message.register(show_privacy, Command("privacy"))
    return router
