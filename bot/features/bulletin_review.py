"""Bulletin drafts for the secretariat, in chat: `/bulletins` shows each draft waiting with
Preview (a signed link to the draft in the browser), Items (leave one out, or put it back),
Editorial (type it) and Approve and send: the edition is scheduled SEND_DELAY ahead, for the
delivery worker, and a Stop button cancels it until then. Every command and button here is
refused to non-staff.
"""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import BotConfig
from bot.filters import IsStaff
from bot.i18n import FeatureCatalog
from bot.staff_only import refuse_buttons_to_non_staff
from newsletter.editions import review as draft_review
from newsletter.editions import service as bulletins
from newsletter.editions.errors import BulletinError, EmptyEdition
from newsletter.editions.preview_links import preview_url
from newsletter.editions.service import BulletinConfig
from storage.base import utcnow
from storage.bulletins import Edition
from storage.people import Person

catalog = FeatureCatalog("bulletin_review")
_ = catalog.text
SEND_DELAY = timedelta(minutes=5)  # time to press Stop after approving
TITLE_CHARS = 48  # of an item's title on its button
MAX_ITEM_BUTTONS = 90  # Telegram takes at most 100 buttons in a keyboard


class DraftAction(CallbackData, prefix="bd"):
    e: int  # edition id
    a: str  # "items", "editorial", "approve", "stop", or "x" (leave out / put back item `i`)
    i: int = 0


class EditorialFlow(StatesGroup):
    text = State()  # the edition id is in the FSM data


def _config(config: BotConfig) -> BulletinConfig:
    return BulletinConfig(public_url=config.public_url, timezone=config.timezone)


def _actor(person: Person) -> str:
    return f"telegram:{person.telegram_id}"


def card(edition: Edition, lang: str) -> str:
    title = html.escape(edition.series.title(lang))
    return _(
        "<b>%(series)s</b> (%(language)s), %(start)s to %(end)s: %(count)s items.\n"
        "Subject: %(subject)s",
        lang,
        series=title,
        language=edition.language,
        start=edition.period_start.date().isoformat(),
        end=edition.period_end.date().isoformat(),
        count=draft_review.item_count(edition),
        subject=html.escape(edition.subject or ""),
    )


def card_keyboard(edition: Edition, lang: str, config: BotConfig) -> InlineKeyboardMarkup:
    link = preview_url(config.public_url, config.signing_key, edition.id)

    def button(text: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=text, callback_data=DraftAction(e=edition.id, a=action).pack()
        )

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=_("Preview", lang), url=link),
                button(_("Items", lang), "items"),
            ],
            [
                button(_("Editorial", lang), "editorial"),
                button(_("Approve and send", lang), "approve"),
            ],
        ]
    )


def items_keyboard(edition_id: int, items: list[tuple[int, str, bool]]) -> InlineKeyboardMarkup:
    rows = []
    for item_id, title, left_out in items[:MAX_ITEM_BUTTONS]:
        short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
        mark = "↺" if left_out else "✕"
        data = DraftAction(e=edition_id, a="x", i=item_id).pack()
        rows.append([InlineKeyboardButton(text=f"{mark} {short}", callback_data=data)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def build_router() -> Router:
    router = Router(name="bulletin_review")

    refuse_buttons_to_non_staff(router, DraftAction.filter())

    @router.message(Command("bulletins"), IsStaff())
    async def list_drafts(
        message: Message, session: AsyncSession, i18n: I18n, config: BotConfig
    ) -> None:
        lang = i18n.current_locale
        drafts = await draft_review.drafts_waiting(session)
        if not drafts:
            await message.answer(_("No bulletin draft is waiting.", lang))
            return
        for edition in drafts:
            await message.answer(
                card(edition, lang), reply_markup=card_keyboard(edition, lang, config)
            )

    @router.callback_query(DraftAction.filter(F.a == "items"), IsStaff())
    async def show_items(
        query: CallbackQuery, callback_data: DraftAction, session: AsyncSession, i18n: I18n
    ) -> None:
        lang = i18n.current_locale
        edition = await _draft(query, session, callback_data.e, lang)
        if edition is None:
            return
        await query.answer()
        items = await draft_review.review_items(session, edition)
        if isinstance(query.message, Message):
            text = _("Press an item to leave it out (✕) or to put it back (↺).", lang)
            if not items:
                text = _("This draft has no items from the feeds.", lang)
            await query.message.answer(text, reply_markup=items_keyboard(edition.id, items))

    @router.callback_query(DraftAction.filter(F.a == "x"), IsStaff())
    async def toggle_item(
        query: CallbackQuery,
        callback_data: DraftAction,
        session: AsyncSession,
        i18n: I18n,
        person: Person,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        if await _draft(query, session, callback_data.e, lang) is None:
            return
        edition = await draft_review.toggle_item(
            session, callback_data.e, callback_data.i, _config(config), _actor(person)
        )
        await query.answer(_("Done: the draft was composed again.", lang))
        if isinstance(query.message, Message):
            items = await draft_review.review_items(session, edition)
            await query.message.edit_reply_markup(reply_markup=items_keyboard(edition.id, items))

    @router.callback_query(DraftAction.filter(F.a == "editorial"), IsStaff())
    async def ask_editorial(
        query: CallbackQuery,
        callback_data: DraftAction,
        session: AsyncSession,
        i18n: I18n,
        state: FSMContext,
    ) -> None:
        lang = i18n.current_locale
        if await _draft(query, session, callback_data.e, lang) is None:
            return
        await query.answer()
        await state.set_state(EditorialFlow.text)
        await state.update_data(edition_id=callback_data.e)
        if isinstance(query.message, Message):
            await query.message.answer(
                _(
                    "Send the editorial in one message: it opens the bulletin. "
                    "Send a single dash (-) to remove it.",
                    lang,
                )
            )

    @router.message(EditorialFlow.text, F.text, IsStaff())
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

    @router.callback_query(DraftAction.filter(F.a == "approve"), IsStaff())
    async def approve(
        query: CallbackQuery,
        callback_data: DraftAction,
        session: AsyncSession,
        i18n: I18n,
        person: Person,
        config: BotConfig,
    ) -> None:
        lang = i18n.current_locale
        if await _draft(query, session, callback_data.e, lang) is None:
            return
        send_at = utcnow() + SEND_DELAY
        try:
            edition = await bulletins.approve(
                session, callback_data.e, _actor(person), send_at=send_at
            )
        except EmptyEdition:  # every item left out
            await session.rollback()
            await query.answer(
                _(
                    "This draft has no item left: put at least one back (Items), then approve.",
                    lang,
                ),
                show_alert=True,
            )
            return
        except BulletinError as error:
            await session.rollback()
            await query.answer(
                _("This draft cannot be approved: %(reason)s", lang, reason=str(error)),
                show_alert=True,
            )
            return
        await query.answer(_("Approved.", lang))
        if isinstance(query.message, Message):
            local = send_at.astimezone(ZoneInfo(config.timezone))
            done = _(
                "Approved by %(name)s. It goes to the subscribers at %(time)s; "
                "Stop cancels it until then.",
                lang,
                name=html.escape(person.display_name or ""),
                time=f"{local:%H:%M} ({config.timezone})",
            )
            stop = DraftAction(e=edition.id, a="stop").pack()
            keyboard = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text=_("Stop", lang), callback_data=stop)]]
            )
            await query.message.edit_text(
                f"{card(edition, lang)}\n\n✅ {done}", reply_markup=keyboard
            )

    @router.callback_query(DraftAction.filter(F.a == "stop"), IsStaff())
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

    return router


async def _draft(
    query: CallbackQuery, session: AsyncSession, edition_id: int, lang: str
) -> Edition | None:
    """The edition if it is still a draft; otherwise the button is answered and None."""
    try:
        edition = await bulletins.get_edition(session, edition_id)
    except BulletinError:
        edition = None
    if edition is None or edition.status.value != "draft":
        await query.answer(_("This bulletin is no longer a draft.", lang), show_alert=True)
        return None
    return edition
