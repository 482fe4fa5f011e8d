"""`/broadcast` for the secretariat: the latest chat broadcasts with their counts per state,
and a Cancel button on those still sending (queued messages are then never sent).

`/broadcast ID` shows one. Every command and button is refused to non-staff (the command by
the staff router, the buttons here).
"""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import FeatureCatalog
from outbox import BroadcastFinished, BroadcastSummary, broadcast_status, cancel_broadcast
from storage.broadcasts import BroadcastStatus
from storage.errors import NotFound

catalog = FeatureCatalog("broadcast_staff")
_ = catalog.text
LATEST = 5
OPEN = (BroadcastStatus.queued.value, BroadcastStatus.sending.value, BroadcastStatus.paused.value)


def __(message: str) -> str:
    """Marks a message for extraction; it is translated where shown."""
    return message


# what a state is called, for broadcasts and for their messages
STATE_NAMES = {
    "queued": __("queued"),
    "sending": __("sending"),
    "paused": __("paused"),
    "cancelled": __("cancelled"),
    "done": __("done"),
    "sent": __("sent"),
    "failed": __("failed"),
    "blocked": __("blocked"),
    "uncertain": __("uncertain"),
}


KIND_NAMES = {
    "text": __("Message"),
    "photo": __("Photo"),
    "document": __("Document"),
    "poll": __("Poll"),
}
AUDIENCE_NAMES = {
    "everyone": __("everyone"),
    "staff": __("the secretariat's staff"),
    "city_representatives": __("city representatives"),
    "youth": __("young people"),
    "chats": __("chosen chats"),
}
CAFE_NOTICES = {
    "invite": __("the invitation to virtual café #%(id)s"),
    "day_before": __("the reminder of virtual café #%(id)s, the day before"),
    "hour_before": __("the reminder of virtual café #%(id)s, one hour before, with the link"),
    "check_in": __("the check-in of virtual café #%(id)s"),
    "evaluation": __("the evaluation of virtual café #%(id)s"),
}


def what_it_is(kind: str, audience: str, lang: str) -> str:
    """A broadcast in words ("Poll #1 for city representatives"), from the internal audience
    names the features give their broadcasts (`poll:1:city_representatives`, `cafe:1:invite`,
    `consultation:3`, `campaign:2026:d-45`)."""
    kind_name = _(KIND_NAMES[kind], lang) if kind in KIND_NAMES else kind
    parts = audience.split(":")
    if audience in AUDIENCE_NAMES:
        return _(
            "%(kind)s to %(whom)s", lang, kind=kind_name, whom=_(AUDIENCE_NAMES[audience], lang)
        )
    if parts[0] == "poll" and len(parts) == 3:
        whom = _(AUDIENCE_NAMES[parts[2]], lang) if parts[2] in AUDIENCE_NAMES else parts[2]
        return _("Poll #%(id)s for %(whom)s", lang, id=parts[1], whom=whom)
    if parts[0] == "consultation" and len(parts) >= 2:
        return _(
            "%(kind)s: invitation or reminder of consultation #%(id)s",
            lang,
            kind=kind_name,
            id=parts[1],
        )
    if parts[0] == "cafe" and len(parts) == 3 and parts[2] in CAFE_NOTICES:
        return _(
            "%(kind)s: %(what)s",
            lang,
            kind=kind_name,
            what=_(CAFE_NOTICES[parts[2]], lang, id=parts[1]),
        )
    if parts[0] == "campaign" and len(parts) == 3:
        return _(
            "%(kind)s of the International Day campaign %(year)s, step %(step)s",
            lang,
            kind=kind_name,
            year=parts[1],
            step=parts[2].upper(),
        )
    return _("%(kind)s to %(whom)s", lang, kind=kind_name, whom=html.escape(audience or "-"))


def _state(name: str, lang: str) -> str:
    return _(STATE_NAMES[name], lang) if name in STATE_NAMES else name


class BroadcastAction(CallbackData, prefix="bs"):
    a: str  # c: cancel
    b: int  # broadcast id


def summary_text(found: BroadcastSummary, lang: str) -> str:
    """One broadcast in a few lines: what, for whom, where it stands (pure)."""
    states = ", ".join(
        f"{_state(state, lang)} {count}" for state, count in sorted(found.counts.items()) if count
    )
    return _(
        "#%(id)s %(what)s: <b>%(status)s</b>, %(handled)s of %(total)s handled\n%(states)s",
        lang,
        id=found.id,
        what=what_it_is(found.kind, found.audience, lang),
        status=_state(found.status, lang),
        handled=found.handled,
        total=found.total,
        states=states or _("no message", lang),
    )


def _cancel_button(found: BroadcastSummary, lang: str) -> InlineKeyboardMarkup | None:
    if found.status not in OPEN:
        return None
    button = InlineKeyboardButton(
        text=_("Cancel", lang), callback_data=BroadcastAction(a="c", b=found.id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def show(message: Message, command: CommandObject, session: AsyncSession, i18n: I18n) -> None:
    lang = i18n.current_locale
    wanted = (command.args or "").strip().lstrip("#")
    if wanted and not wanted.isdigit():
        await message.answer(_("Write /broadcast, or /broadcast followed by a number.", lang))
        return
    try:
        found = await broadcast_status(session, int(wanted) if wanted else None, latest=LATEST)
    except NotFound:
        await message.answer(_("There is no broadcast %(id)s.", lang, id=wanted))
        return
    if not found:
        await message.answer(_("No broadcast yet.", lang))
        return
    for item in found:
        await message.answer(summary_text(item, lang), reply_markup=_cancel_button(item, lang))


async def cancel(
    query: CallbackQuery, callback_data: BroadcastAction, session: AsyncSession, i18n: I18n
) -> None:
    lang = i18n.current_locale
    try:
        cancelled = await cancel_broadcast(session, callback_data.b)
        found = (await broadcast_status(session, callback_data.b))[0]
    except NotFound:
        await query.answer(_("This broadcast no longer exists.", lang), show_alert=True)
        return
    except BroadcastFinished:  # a button older than the broadcast's end: show where it stands
        found = (await broadcast_status(session, callback_data.b))[0]
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(summary_text(found, lang), reply_markup=None)
        return
    await query.answer(_("Cancelled: %(n)s queued messages will not be sent.", lang, n=cancelled))
    if isinstance(query.message, Message):
        await query.message.edit_text(summary_text(found, lang), reply_markup=None)


def build_router() -> Router:
    router = Router(name="broadcast_staff")
    router.message.register(show, Command("broadcast"))
    router.callback_query.register(cancel, BroadcastAction.filter())
    return router
