"""Bulletin drafts for the secretariat, in chat: `/bulletins` shows each draft waiting with
Preview (a signed link to the draft in the browser), Items (leave one out, or put it back),
Editorial (type it) and Approve and send: the edition is scheduled SEND_DELAY ahead, for the
delivery worker, and a Stop button cancels it until then. An edition without any news item is
approved only once staff confirm it (as `aive bulletin approve` asks); Keep the draft leaves it
a draft. Behind the staff gate.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bulletin_cards import DraftAction, card, card_keyboard, confirm_keyboard, items_keyboard
from bot.config import BotConfig
from bot.i18n import FeatureCatalog
from newsletter.editions import review as draft_review
from newsletter.editions import service as bulletins
from newsletter.editions.errors import BulletinError, EmptyEdition
from newsletter.editions.service import BulletinConfig
from storage.base import utcnow
from storage.bulletins import Edition
from storage.errors import NotFound
from storage.people import Person

catalog = FeatureCatalog("bulletin_review")
_ = catalog.text
SEND_DELAY = timedelta(minutes=5)  # time to press Stop after approving


class EditorialFlow(StatesGroup):
    text = State()  # the edition id is in the FSM data


def _config(config: BotConfig) -> BulletinConfig:
    return BulletinConfig(public_url=config.public_url, timezone=config.timezone)


def _actor(person: Person) -> str:
    return f"telegram:{person.telegram_id}"


async def list_drafts(
    message: Message, session: AsyncSession, i18n: I18n, config: BotConfig
) -> None:
    lang = i18n.current_locale
    drafts = await draft_review.drafts_waiting(session)
    if not drafts:
        await message.answer(_("No bulletin draft is waiting.", lang))
        return
    for edition in drafts:
        await message.answer(card(edition, lang), reply_markup=card_keyboard(edition, lang, config))


@dataclass(frozen=True)
class Press:
    """A button of a draft that is still a draft: what every such button's action gets."""

    query: CallbackQuery
    data: DraftAction
    edition: Edition
    session: AsyncSession
    person: Person
    config: BotConfig
    state: FSMContext
    lang: str

    @property
    def message(self) -> Message | None:
        return self.query.message if isinstance(self.query.message, Message) else None


async def show_items(press: Press) -> None:
    lang = press.lang
    await press.query.answer()
    items = await draft_review.review_items(press.session, press.edition)
    if press.message is not None:
        text = _("Press an item to leave it out (✕) or to put it back (↺).", lang)
        if not items:
            text = _("This draft has no items from the feeds.", lang)
        await press.message.answer(text, reply_markup=items_keyboard(press.edition.id, items))


async def toggle_item(press: Press) -> None:
    edition = await draft_review.toggle_item(
        press.session, press.data.e, press.data.i, _config(press.config), _actor(press.person)
    )
    await press.query.answer(_("Done: the draft was composed again.", press.lang))
    if press.message is not None:
        items = await draft_review.review_items(press.session, edition)
        await press.message.edit_reply_markup(reply_markup=items_keyboard(edition.id, items))


async def ask_editorial(press: Press) -> None:
    await press.query.answer()
    await press.state.set_state(EditorialFlow.text)
    await press.state.update_data(edition_id=press.data.e)
    if press.message is not None:
        await press.message.answer(
            _(
                "Send the editorial in one message: it opens the bulletin. "
                "Send a single dash (-) to remove it.",
                press.lang,
            )
        )


async def approve(press: Press) -> None:
    """Approve and send; an edition without news asks first, and "sure" is the staff's yes."""
    lang, query, config = press.lang, press.query, press.config
    if press.data.a == "approve" and draft_review.approval_needs_confirmation(press.edition):
        await query.answer()
        if press.message is not None:
            question = _("This edition has no news item. Approve it anyway?", lang)
            await press.message.edit_text(
                f"{card(press.edition, lang)}\n\n⚠️ {question}",
                reply_markup=confirm_keyboard(press.edition.id, lang),
            )
        return
    send_at = utcnow() + SEND_DELAY
    try:
        edition = await bulletins.approve(
            press.session, press.data.e, _actor(press.person), send_at=send_at
        )
    except BulletinError as error:
        await press.session.rollback()
        if isinstance(error, EmptyEdition):  # every item left out
            refusal = _(
                "This draft has no item left: put at least one back (Items), then approve.", lang
            )
        else:
            refusal = _("This draft cannot be approved: %(reason)s", lang, reason=str(error))
        await query.answer(refusal, show_alert=True)
        return
    await query.answer(_("Approved.", lang))
    if press.message is not None:
        local = send_at.astimezone(ZoneInfo(config.timezone))
        done = _(
            "Approved by %(name)s. It goes to the subscribers at %(time)s; "
            "Stop cancels it until then.",
            lang,
            name=html.escape(press.person.display_name or ""),
            time=f"{local:%H:%M} ({config.timezone})",
        )
        stop = DraftAction(e=edition.id, a="stop").pack()
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=_("Stop", lang), callback_data=stop)]]
        )
        await press.message.edit_text(f"{card(edition, lang)}\n\n✅ {done}", reply_markup=keyboard)


async def keep_draft(press: Press) -> None:
    """The answer "Keep the draft" to the question before approving without news."""
    kept = _("Not approved: the edition stays a draft.", press.lang)
    await press.query.answer(kept)
    if press.message is not None:
        await press.message.edit_text(
            f"{card(press.edition, press.lang)}\n\n{kept}",
            reply_markup=card_keyboard(press.edition, press.lang, press.config),
        )


ON_DRAFT: dict[str, Callable[[Press], Awaitable[None]]] = {
    "items": show_items,
    "x": toggle_item,
    "editorial": ask_editorial,
    "approve": approve,
    "sure": approve,  # approve without news, once asked
    "keep": keep_draft,
}


async def draft_pressed(
    query: CallbackQuery,
    callback_data: DraftAction,
    session: AsyncSession,
    i18n: I18n,
    person: Person,
    config: BotConfig,
    state: FSMContext,
) -> None:
    """Items, leave out / put back, Editorial, Approve (and the answers to its question):
    only while the edition is a draft."""
    lang = i18n.current_locale
    edition = await _draft(query, session, callback_data.e, lang)
    if edition is not None:
        press = Press(query, callback_data, edition, session, person, config, state, lang)
        await ON_DRAFT[callback_data.a](press)


async def editorial_typed(
    message: Message,
    session: AsyncSession,
    i18n: I18n,
    person: Person,
    config: BotConfig,
    state: FSMContext,
) -> None:
    lang = i18n.current_locale
    text = (message.text or "").strip()
    if len(text) > draft_review.EDITORIAL_LIMIT:
        await message.answer(
            _(
                "Please keep the editorial under %(max)s characters (this one has %(n)s).",
                lang,
                max=draft_review.EDITORIAL_LIMIT,
                n=len(text),
            )
        )
        return
    edition_id = (await state.get_data()).get("edition_id")
    await state.clear()
    try:
        edition = await draft_review.set_editorial(
            session,
            int(edition_id or 0),
            "" if text == "-" else text,
            _config(config),
            _actor(person),
        )
    except BulletinError:
        await message.answer(_("This bulletin is no longer a draft.", lang))
        return
    await message.answer(
        _("Editorial saved; the draft was composed again.", lang),
        reply_markup=card_keyboard(edition, lang, config),
    )


async def stop(
    query: CallbackQuery,
    callback_data: DraftAction,
    session: AsyncSession,
    i18n: I18n,
    person: Person,
) -> None:
    lang = i18n.current_locale
    try:
        edition = await bulletins.cancel(session, callback_data.e, _actor(person))
    except BulletinError:  # already being sent, or sent
        await query.answer(_("Too late: the sending has started.", lang), show_alert=True)
        return
    await query.answer(_("Stopped.", lang))
    if isinstance(query.message, Message):
        done = _(
            "Stopped by %(name)s: nothing was sent. Compose the bulletin again to review it.",
            lang,
            name=html.escape(person.display_name or ""),
        )
        await query.message.edit_text(f"{card(edition, lang)}\n\n⛔ {done}", reply_markup=None)


async def _draft(
    query: CallbackQuery, session: AsyncSession, edition_id: int, lang: str
) -> Edition | None:
    """The edition if it is still a draft; otherwise the button is answered and None."""
    try:
        edition = await bulletins.get_edition(session, edition_id)
    except (BulletinError, NotFound):
        edition = None
    if edition is None or edition.status.value != "draft":
        await query.answer(_("This bulletin is no longer a draft.", lang), show_alert=True)
        return None
    return edition


def build_router() -> Router:
    router = Router(name="bulletin_review")
    router.message.register(list_drafts, Command("bulletins"))
    router.callback_query.register(draft_pressed, DraftAction.filter(F.a.in_(ON_DRAFT)))
    router.message.register(editorial_typed, EditorialFlow.text, F.text)
    router.callback_query.register(stop, DraftAction.filter(F.a == "stop"))
    return router
