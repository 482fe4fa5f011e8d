"""Outer middlewares on every update, in this order (see bot.dispatcher.build_dispatcher):

flood control -> one DB session -> the current Person -> language -> polite errors.
Handlers receive `session`, `person`, `i18n` (and aiogram's `state`, `bot`) as arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flood import FloodGuard, Verdict
from bot.i18n import choose_language
from bot.personal_data import keeps_name, remember_name
from bot.update_metrics import mark_failed
from i18n.languages import supported
from storage import people_queries
from storage.engine import SessionFactory
from storage.people import Person

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def tell_user(bot: Bot, update: Update, text: str, *, alert: bool = False) -> None:
    """Say `text` to whoever sent `update` (a message, or a callback query's popup)."""
    try:
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id, text=text, show_alert=alert)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, text)
    except TelegramAPIError as exc:  # the user blocked us, or Telegram is down: nothing to do
        log.warning("could not tell user about update %s: %s", update.update_id, exc)


class FloodMiddleware(BaseMiddleware):
    """Drop a user's flood of updates; the first dropped one gets a polite warning. Button
    taps have their own, wider, allowance (`taps`), and every dropped tap is still answered
    (Telegram shows a spinner until it is)."""

    def __init__(
        self, guard: FloodGuard, i18n: I18n, default_language: str, taps: FloodGuard | None = None
    ) -> None:
        self.guard = guard
        self.taps = taps or guard
        self.i18n = i18n
        self.default_language = default_language

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update):
            return await handler(event, data)
        guard = self.taps if event.callback_query is not None else self.guard
        verdict = guard.check(user.id)
        if verdict is Verdict.allow:
            return await handler(event, data)
        if verdict is Verdict.warn:
            # before the database: the profile language is unknown here, Telegram's will do
            locale = choose_language(None, user.language_code, self.default_language)
            text = self.i18n.gettext(
                "You are sending messages faster than I can read them. "
                "Please wait a few seconds, then try again.",
                locale=locale,
            )
            await tell_user(data["bot"], event, text)
        elif event.callback_query is not None:
            await tell_user(data["bot"], event, "")  # stop the button's spinner
        log.info("flood: update %s from user %s dropped", event.update_id, user.id)
        return None


class DbSessionMiddleware(BaseMiddleware):
    """One database session per update; whatever a handler did not commit is rolled back."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessions() as session:
            data["session"] = session
            return await handler(event, data)


class PersonMiddleware(BaseMiddleware):
    """The Person behind the update, created (and committed) on first contact."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            data["person"] = None
            return await handler(event, data)
        session: AsyncSession = data["session"]
        data["person"] = await current_person(session, user)
        return await handler(event, data)


async def current_person(session: AsyncSession, user: User) -> Person:
    """The person with their roles, in one query (it runs before every update)."""
    person = await people_queries.person_by_telegram_id(session, user.id)
    if person is not None:
        if not person.display_name and keeps_name(person):  # staff added by the CLI, say
            remember_name(person, user)
            await session.commit()
        return person
    # nothing but the id until a role needs more (bot.personal_data)
    person = Person(telegram_id=user.id, display_name="", roles=[])
    session.add(person)
    try:
        await session.commit()
    except IntegrityError:  # a concurrent update of the same user created it first
        await session.rollback()
        person = await people_queries.person_by_telegram_id(session, user.id)
        assert person is not None
    return person


class LanguageMiddleware(I18nMiddleware):
    """Profile language, else Telegram's `language_code` if we speak it, else the default.

    The Telegram language the bot spoke to someone who never chose one is stored as theirs
    once the update is handled (so broadcasts reach them in it; /start still offers the
    choice first, and a choice made later replaces it)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        person: Person | None = data.get("person")
        user: User | None = data.get("event_from_user")
        spoken = supported(user.language_code) if user else None
        unset = person.id if person is not None and person.language is None else None
        result = await super().__call__(handler, event, data)
        if unset is not None and spoken is not None:
            await _remember_language(data["session"], unset, spoken)
        return result

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        person: Person | None = data.get("person")
        user: User | None = data.get("event_from_user")
        locale = choose_language(
            person.language if person else None,
            user.language_code if user else None,
            self.i18n.default_locale,
        )
        data["locale"] = locale
        return locale


async def _remember_language(session: AsyncSession, person_id: int, language: str) -> None:
    """Store `language` unless the person chose one meanwhile (or was forgotten)."""
    await people_queries.set_language_if_unset(session, person_id, language)
    await session.commit()


class PoliteErrorsMiddleware(BaseMiddleware):
    """A handler that raises is logged; the user gets one polite sentence; the bot goes on."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            update_id = getattr(event, "update_id", None)
            log.exception("update %s failed in a handler", update_id)
            mark_failed(data)
            session: AsyncSession | None = data.get("session")
            if session is not None:
                await session.rollback()
            if isinstance(event, Update):
                i18n: I18n = data["i18n"]
                await tell_user(data["bot"], event, sorry(i18n), alert=True)
            return None


def sorry(i18n: I18n, locale: str | None = None) -> str:
    return i18n.gettext(
        "Sorry, something went wrong on our side. Please try again in a moment; "
        "if it keeps happening, the secretariat has been told.",
        locale=locale,
    )
