"""Secretariat commands for representatives: `/invite CITY`, `/requests` and their decision
buttons. Behind the staff gate (bot.features.staff_gate)."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import BotConfig
from bot.features.whats_open import show_what_is_open
from bot.keyboards import RequestDecision
from bot.notices import reader_language, request_summary, tell_decision
from engagement.invites import create_invite, invite_link
from engagement.representatives import (
    DecisionOutcome,
    decide_request,
    find_cities,
    pending_requests,
)
from storage import people_queries
from storage.people import Person


async def invite(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    person: Person,
    config: BotConfig,
    bot: Bot,
) -> None:
    found = await find_cities(session, command.args or "")
    exact = [c for c in found if c.name.casefold() == (command.args or "").strip().casefold()]
    chosen = exact if len(exact) == 1 else found
    if len(chosen) != 1:
        names = ", ".join(f"{c.name} ({c.country})" for c in found)
        text = (
            _("Several cities match: {names}. Type the full name.").format(names=html.escape(names))
            if found
            else _("Which city? Write /invite followed by the city's name.")
        )
        await message.answer(text)
        return
    city = chosen[0]
    _invite, token = await create_invite(
        session, city, config.signing_key, created_by=f"person:{person.id}"
    )
    await session.commit()
    me = await bot.me()
    link = invite_link(me.username or "", token)
    await message.answer(
        _("Invitation for {city}, valid 14 days and for one person. Send them this link:").format(
            city=html.escape(city.name)
        )
        + f"\n{link}"
    )


async def list_requests(message: Message, session: AsyncSession, i18n: I18n) -> None:
    waiting = await pending_requests(session)
    if not waiting:
        await message.answer(_("No request is waiting."))
        return
    for request in waiting[:20]:
        asker = await people_queries.person_by_id(session, request.person_id)
        if asker is None:
            continue
        locale = i18n.current_locale
        await message.answer(
            request_summary(request, asker, i18n, locale),
            reply_markup=keyboards.decision(request.id, i18n, locale),
        )


async def decide(
    query: CallbackQuery,
    callback_data: RequestDecision,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    bot: Bot,
    config: BotConfig,
) -> None:
    decision = await decide_request(
        session, callback_data.request_id, person, callback_data.approve
    )
    await session.commit()
    if decision.outcome is DecisionOutcome.gone:
        await query.answer(_("This request no longer exists."), show_alert=True)
        return
    if decision.outcome is DecisionOutcome.already_decided:
        await query.answer(_("Someone already decided this request."), show_alert=True)
        return
    await query.answer()
    assert decision.request is not None
    verdict = _("Approved") if callback_data.approve else _("Rejected")
    if isinstance(query.message, Message) and query.message.text:
        by = html.escape(person.display_name)
        await query.message.edit_text(f"{html.escape(query.message.text)}\n\n{verdict} ({by})")
    if decision.person is not None:
        await tell_decision(bot, i18n, decision.person, decision.request, callback_data.approve)
        if callback_data.approve:
            language = reader_language(decision.person, i18n)
            await show_what_is_open(bot, session, decision.person, language, config)


def build_router() -> Router:
    router = Router(name="staff")
    router.message.register(invite, Command("invite"))
    router.message.register(list_requests, Command("requests"))
    router.callback_query.register(decide, RequestDecision.filter())
    return router
