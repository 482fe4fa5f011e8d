"""/forget: erase the person after a confirmation (city answers stay, without the person)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.keyboards import ForgetChoice
from engagement.youth.service import forget_youth
from storage.audit import record
from storage.people import Person


async def forget_person(session: AsyncSession, person: Person) -> None:
    """Delete the person and their roles and requests; the caller commits.

    Rows that point at the person from elsewhere (used invites, decisions, consultation
    responses, published youth ideas) keep their content and lose the link (ON DELETE SET
    NULL); the youth profile and unpublished youth ideas are deleted.
    """
    record(session, "bot", "person.forgotten", f"person:{person.id}")
    await forget_youth(session, person.id)  # unpublished ideas go, published ones lose the name
    await session.delete(person)


def build_router() -> Router:
    router = Router(name="forget")

    @router.message(Command("forget"))
    async def ask_confirmation(message: Message) -> None:
        await message.answer(
            _(
                "This erases your profile, your roles and our conversation state. "
                "Answers you already submitted for a city stay with the city, without your "
                "name. Erase everything?"
            ),
            reply_markup=keyboards.forget(),
        )

    @router.callback_query(ForgetChoice.filter())
    async def confirmed(
        query: CallbackQuery,
        callback_data: ForgetChoice,
        session: AsyncSession,
        person: Person,
        state: FSMContext,
    ) -> None:
        await query.answer()
        if callback_data.confirm:
            await forget_person(session, person)
            await session.commit()
            await state.clear()
            text = _("Done: I erased everything I knew about you. Write /start to begin again.")
        else:
            text = _("Nothing was erased.")
        if isinstance(query.message, Message):
            await query.message.edit_text(text)

    return router
