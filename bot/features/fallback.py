"""Last router: whatever no feature understood gets a hint instead of silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.help import help_for
from storage.people import Person


async def not_understood(message: Message, session: AsyncSession, person: Person) -> None:
    await message.answer(_("I did not understand that.") + "\n\n" + await help_for(session, person))


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer active."), show_alert=True)


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(not_understood, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router
