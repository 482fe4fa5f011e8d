"""Youth voice, the young person's profile: /youth asks what is missing (age bracket, a
guardian's agreement under 16, how to sign), then takes an idea (bot.features.youth_ideas).
Staff review ideas (bot.features.youth_review)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import youth_keyboards as kb
from bot.config import BotConfig
from bot.features.youth_ideas import start_idea
from bot.youth_keyboards import YouthAge, YouthGuardian, YouthPublish
from engagement.representatives import grant_role
from engagement.youth import rules, service
from engagement.youth.rules import ProfileGap
from storage.base import utcnow
from storage.people import Person, Role
from storage.youth import AgeBracket, PublishAs, YouthProfile

_ = kb.catalog.text


async def begin(
    message: Message,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    first_name: str,
    config: BotConfig,
) -> None:
    """Ask the next missing profile question, or start a new idea."""
    profile = await service.get_profile(session, person)
    gap = rules.missing_step(service.facts(profile))
    if gap is ProfileGap.age:
        await message.answer(
            _(
                "Welcome to the youth voice of the Educating Cities! Share your ideas for your "
                "city; the best ones appear in our bulletin. First, how old are you?"
            ),
            reply_markup=kb.ages(),
        )
    elif gap is ProfileGap.guardian:
        await message.answer(
            _(
                "Because you are under 16, a parent or guardian needs to agree that you share "
                "ideas here. Have you asked them, and do they agree?"
            ),
            reply_markup=kb.guardian(),
        )
    elif gap is ProfileGap.publish_as:
        await message.answer(
            _(
                "If your idea is published, how should we sign it? We keep your first name "
                "only if you choose it."
            ),
            reply_markup=kb.publish(rules.first_name_only(first_name)),
        )
    else:
        await start_idea(message, session, person, state, config)


async def youth(
    message: Message, session: AsyncSession, person: Person, state: FSMContext, config: BotConfig
) -> None:
    await state.clear()
    first = message.from_user.first_name if message.from_user else ""
    await begin(message, session, person, state, first, config)


async def age_chosen(
    query: CallbackQuery,
    callback_data: YouthAge,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    i18n: I18n,
    config: BotConfig,
) -> None:
    await query.answer()
    await service.set_age_bracket(session, person, AgeBracket(callback_data.bracket))
    grant_role(person, Role.youth)
    person.language = person.language or i18n.current_locale  # the staff's answer comes in it
    await session.commit()
    if isinstance(query.message, Message):
        await begin(query.message, session, person, state, query.from_user.first_name, config)


async def _answered(
    query: CallbackQuery, session: AsyncSession, person: Person
) -> tuple[YouthProfile, Message] | None:
    """A profile button: the profile and the message to go on from (None: nothing to do)."""
    await query.answer()
    profile = await service.get_profile(session, person)
    if profile is None or not isinstance(query.message, Message):
        return None
    return profile, query.message


async def guardian_answered(
    query: CallbackQuery,
    callback_data: YouthGuardian,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    config: BotConfig,
) -> None:
    if (answered := await _answered(query, session, person)) is None:
        return
    profile, message = answered
    if not callback_data.agrees:
        await message.answer(
            _(
                "No problem! Talk with a parent or guardian first. When they agree, "
                "write /youth and we will continue."
            )
        )
        return
    profile.guardian_consent_at = utcnow()
    await session.commit()
    await begin(message, session, person, state, query.from_user.first_name, config)


async def publish_chosen(
    query: CallbackQuery,
    callback_data: YouthPublish,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    config: BotConfig,
) -> None:
    if (answered := await _answered(query, session, person)) is None:
        return
    profile, message = answered
    service.set_publish_as(profile, PublishAs(callback_data.choice), query.from_user.first_name)
    await session.commit()
    await begin(message, session, person, state, query.from_user.first_name, config)


def build_router() -> Router:
    router = Router(name="youth")
    router.message.register(youth, Command("youth"))
    router.callback_query.register(age_chosen, YouthAge.filter())
    router.callback_query.register(guardian_answered, YouthGuardian.filter())
    router.callback_query.register(publish_chosen, YouthPublish.filter())
    return router
