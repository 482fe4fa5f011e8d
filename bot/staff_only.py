"""The one answer a non-staff person gets for a staff button, whatever the feature."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.filters import IsStaff


def refuse_buttons_to_non_staff(router: Router, buttons: CallbackQueryFilter) -> None:
    """Answer `buttons` pressed by anyone without the staff role with a polite popup (and do
    nothing else); register it before the feature's own handlers of those buttons."""

    @router.callback_query(buttons, ~IsStaff())
    async def refuse_button(query: CallbackQuery) -> None:
        await query.answer(_("Only the secretariat staff can do this."), show_alert=True)
