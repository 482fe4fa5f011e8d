"""Onboarding: /start (with or without an invitation), language, then who you are."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import BotConfig
from bot.features.help import help_for
from bot.features.whats_open import show_what_is_open
from bot.features.youth import begin as begin_youth
from bot.i18n import city_language
from bot.keyboards import CityChoice, LanguageChoice, RoleChoice
from bot.notices import notify_staff_of_request
from bot.personal_data import remember_name
from engagement.invites import InviteProblem, Redeemed, redeem_invite
from engagement.representatives import (
    find_cities,
    grant_representative,
    grant_role,
    request_representation,
)
from storage import people_queries
from storage.networks import City
from storage.people import Person, Role


class Onboarding(StatesGroup):
    city = State()  # waiting for the name of the city the person represents


def invite_refusal(problem: InviteProblem) -> str:
    reasons = {
        InviteProblem.forged: _("This invitation link is not valid: it may have been cut."),
        InviteProblem.used: _("This invitation link has already been used."),
        InviteProblem.expired: _("This invitation link has expired."),
    }
    return (
        reasons[problem]
        + " "
        + _(
            "Ask the secretariat for a new one, or tell me below who you are and they will "
            "confirm it."
        )
    )


def welcome_representative(person: Person, city: City) -> str:
    return _(
        "Welcome, {name}! You are now the verified representative of {city} in the "
        "Educating Cities bot. When a consultation for your city opens, I will send it here: "
        "one tap per answer."
    ).format(name=html.escape(person.display_name or ""), city=html.escape(city.name))


async def ask_role(message: Message) -> None:
    await message.answer(_("Who are you?"), reply_markup=keyboards.roles())


async def start(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    config: BotConfig,
    state: FSMContext,
    bot: Bot,
) -> None:
    await state.clear()
    if command.args:
        result = await redeem_invite(session, command.args, config.signing_key, person)
        if isinstance(result, Redeemed):
            await _welcome_invited(message, session, person, i18n, result)
            await show_what_is_open(bot, session, person, i18n.current_locale, config)
            return
        await message.answer(invite_refusal(result))
    if person.language is None:
        await message.answer(
            _("Hello! Which language do you prefer?"),
            reply_markup=keyboards.languages(onboarding=True),
        )
    elif not person.roles or command.args:
        await ask_role(message)
    else:
        await message.answer(_("Welcome back!") + "\n\n" + await help_for(session, person))
        await show_what_is_open(bot, session, person, i18n.current_locale, config)


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
) -> None:
    person.language = callback_data.code
    await session.commit()
    await query.answer()
    with i18n.use_locale(callback_data.code):
        if isinstance(query.message, Message):
            await ask_role(query.message)


async def role_chosen(
    query: CallbackQuery,
    callback_data: RoleChoice,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    i18n: I18n,
    config: BotConfig,
    bot: Bot,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.role == "representative":
        await state.set_state(Onboarding.city)
        await query.message.answer(_("Which city do you represent? Type its name."))
        return
    role = Role.youth if callback_data.role == "youth" else Role.member
    grant_role(person, role)
    await session.commit()
    if role is Role.youth:  # age bracket, a guardian's agreement, how to sign
        first = query.from_user.first_name
        await begin_youth(query.message, session, person, state, first, config)
        return
    await query.message.answer(
        _("Thank you, that is all.") + "\n\n" + await help_for(session, person)
    )
    await show_what_is_open(bot, session, person, i18n.current_locale, config)


async def city_typed(message: Message, session: AsyncSession) -> None:
    found = await find_cities(session, message.text or "")
    if not found:
        await message.answer(
            _(
                "I could not find a member city called “{name}”. "
                "Check the spelling and type it again."
            ).format(name=html.escape((message.text or "")[:100]))
        )
        return
    await message.answer(_("Which one is it?"), reply_markup=keyboards.cities(found))


async def city_chosen(
    query: CallbackQuery,
    callback_data: CityChoice,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    bot: Bot,
    state: FSMContext,
) -> None:
    await query.answer()
    await state.clear()
    city = await people_queries.city_by_id(session, callback_data.city_id)
    if city is None or not isinstance(query.message, Message):
        return
    if city.id in person.represented_city_ids():
        await query.message.answer(
            _("You already represent {city}.").format(city=html.escape(city.name))
        )
        return
    remember_name(person, query.from_user)
    request = await request_representation(session, person, city)
    await session.commit()
    await query.message.answer(
        _(
            "Thank you! The secretariat will confirm that you represent {city}, "
            "and I will tell you here."
        ).format(city=html.escape(city.name))
    )
    await notify_staff_of_request(bot, session, i18n, request, person)


async def _welcome_invited(
    message: Message, session: AsyncSession, person: Person, i18n: I18n, redeemed: Redeemed
) -> None:
    grant_representative(session, person, redeemed.city, f"invite:{redeemed.invite.id}")
    if message.from_user is not None:
        remember_name(person, message.from_user)
    if person.language is None:
        person.language = (
            redeemed.invite.language
            or city_language(redeemed.city.languages)
            or i18n.current_locale
        )
    await session.commit()
    with i18n.use_locale(person.language):
        await message.answer(welcome_representative(person, redeemed.city))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.callback_query.register(language_chosen, LanguageChoice.filter(F.onboarding))
    router.callback_query.register(role_chosen, RoleChoice.filter())
    router.message.register(city_typed, Onboarding.city, F.text)
    router.callback_query.register(city_chosen, CityChoice.filter())
    return router
