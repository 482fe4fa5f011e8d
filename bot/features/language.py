"""/language: the person picks the language every later message uses."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import SUPPORTED_LANGUAGES
from bot.keyboards import LanguageChoice
from i18n.languages import LANGUAGE_NAMES
from storage.people import Person


async def ask_language(message: Message) -> None:
    await message.answer(
        _("Which language do you prefer?"), reply_markup=keyboards.languages(onboarding=False)
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
) -> None:
    person.language = callback_data.code
    await session.commit()
    with i18n.use_locale(callback_data.code):
        text = _("From now on I will write to you in {language}.").format(
            language=LANGUAGE_NAMES[callback_data.code]
        )
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(text)


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(
        language_chosen, LanguageChoice.filter(~F.onboarding & F.code.in_(SUPPORTED_LANGUAGES))
    )
    return router
