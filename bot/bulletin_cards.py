"""What staff see of a bulletin draft in chat: its card, the card's buttons (Preview, Items,
Editorial, Approve and send), the question before approving an edition without news (Approve
without news / Keep the draft) and the keyboard of its items (leave out ✕ / put back ↺)."""

from __future__ import annotations

import html

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import BotConfig
from bot.i18n import FeatureCatalog
from newsletter.editions import review as draft_review
from newsletter.editions.preview_links import preview_url
from storage.bulletins import Edition

catalog = FeatureCatalog("bulletin_review")
_ = catalog.text
TITLE_CHARS = 48  # of an item's title on its button
MAX_ITEM_BUTTONS = 90  # Telegram takes at most 100 buttons in a keyboard


class DraftAction(CallbackData, prefix="bd"):
    e: int  # edition id
    # "items", "editorial", "approve", "sure" (approve without news), "keep" (do not approve),
    # "stop", or "x" (leave out / put back item `i`)
    a: str
    i: int = 0


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


def confirm_keyboard(edition_id: int, lang: str) -> InlineKeyboardMarkup:
    """The question before approving an edition without news: approve it, or keep the draft."""
    sure = DraftAction(e=edition_id, a="sure").pack()
    keep = DraftAction(e=edition_id, a="keep").pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=_("Approve without news", lang), callback_data=sure),
                InlineKeyboardButton(text=_("Keep the draft", lang), callback_data=keep),
            ]
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
