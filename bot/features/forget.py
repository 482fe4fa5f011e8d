"""/forget: erase the person after a confirmation (city answers stay, without the person)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import BotConfig
from bot.keyboards import ForgetChoice
from engagement.forgetting import forget_person
from engagement.youth.media import MediaShelf
from storage.people import Person


async def ask_confirmation(message: Message) -> None:
    await message.answer(
        _(
            "This erases your profile, your roles and our conversation state. "
            "Answers you already submitted for a city stay with the city, without your "
            "name. Erase everything?"
        ),
        reply_markup=keyboards.forget(),
    )


async def confirmed(
    query: CallbackQuery,
    callback_data: ForgetChoice,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    config: BotConfig,
) -> None:
    await query.answer()
    if callback_data.confirm:
        media = MediaShelf(config.youth_media_dir) if config.youth_media_dir else None
        await forget_person(session, person, media=media)
        await session.commit()
        await state.clear()
        text = _("Done: I erased everything I knew about you. Write /start to begin again.")
    else:
        text = _("Nothing was erased.")
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


def build_router() -> Router:
    router = Router(name="forget")
    router.message.register(ask_confirmation, Command("forget"))
    router.callback_query.register(confirmed, ForgetChoice.filter())
    return router
