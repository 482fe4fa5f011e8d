"""Messages to someone other than the sender of the update, each in the reader's language."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from engagement.representative_notices import decision_text
from engagement.representatives import staff_people
from storage.people import Person
from storage.representatives import RepresentativeRequest

log = logging.getLogger(__name__)


def reader_language(person: Person, i18n: I18n) -> str:
    return person.language or i18n.default_locale


async def send_quietly(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send, logging (not raising) when Telegram refuses: a blocked user must not break a flow."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramAPIError as exc:
        log.warning("could not write to chat %s: %s", chat_id, exc)
        return False
    return True


def request_summary(request: RepresentativeRequest, asker: Person, i18n: I18n, locale: str) -> str:
    return i18n.gettext(
        "{name} asks to be verified as the representative of {city} ({country}).",
        locale=locale,
    ).format(
        name=html.escape(asker.display_name or str(asker.telegram_id)),
        city=html.escape(request.city.name),
        country=request.city.country,
    )


async def tell_every_staff(
    bot: Bot,
    session: AsyncSession,
    i18n: I18n,
    send: Callable[[int, str], Awaitable[bool]],
    what: str,
) -> int:
    """`send(chat_id, language)` to every staff member's private chat, each in their language;
    how many got it (`what` names it in the warning when nobody did)."""
    sent = 0
    for staff in await staff_people(session):
        assert staff.telegram_id is not None
        sent += await send(staff.telegram_id, reader_language(staff, i18n))
    if not sent:
        log.warning("%s: no staff member could be told", what)
    return sent


async def notify_staff_of_request(
    bot: Bot, session: AsyncSession, i18n: I18n, request: RepresentativeRequest, asker: Person
) -> int:
    """Send the request with Approve / Reject buttons to every staff member; how many got it."""

    async def send(chat_id: int, locale: str) -> bool:
        text = request_summary(request, asker, i18n, locale)
        return await send_quietly(bot, chat_id, text, keyboards.decision(request.id, i18n, locale))

    return await tell_every_staff(bot, session, i18n, send, f"representative request {request.id}")


async def tell_decision(
    bot: Bot, i18n: I18n, person: Person, request: RepresentativeRequest, approved: bool
) -> None:
    if person.telegram_id is None:
        return
    text = decision_text(request.city.name, approved, reader_language(person, i18n))
    await send_quietly(bot, person.telegram_id, text)
