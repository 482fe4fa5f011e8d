"""The one staff gate of the bot: every secretariat feature sits behind it.

Its router answers non-staff once, politely: a staff command ("only the secretariat staff can
use this command") or a staff button (a popup, nothing else done). Staff go through to the
features, included under a child router whose message and callback filters are `IsStaff()`.
A new staff feature adds its module to `STAFF_FEATURES`, its command to `STAFF_COMMANDS` and
its CallbackData to `STAFF_BUTTONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot import youth_keyboards
from bot.bulletin_cards import DraftAction
from bot.features import (
    broadcast_staff,
    bulletin_review,
    cafes_staff,
    campaign_staff,
    consultations_staff,
    polls_staff,
    staff,
    youth_review,
)
from bot.filters import IsStaff, RoleRefuses
from bot.keyboards import RequestDecision

# every staff command the features define; tests refuse each of them to non-staff
STAFF_COMMANDS: tuple[str, ...] = (
    "invite",
    "requests",
    "consultations",
    "ideas",
    "broadcast",
    "polls",
    "cafes",
    "bulletins",
    "campaign",
)
STAFF_FEATURES = (
    staff,
    broadcast_staff,
    bulletin_review,
    consultations_staff,
    polls_staff,
    cafes_staff,
    campaign_staff,
    youth_review,
)


def _do_this() -> str:
    return _("Only the secretariat staff can do this.")


def _decide_this() -> str:
    return _("Only the secretariat staff can decide this.")


def _decide_idea() -> str:
    return youth_keyboards.catalog.text("Only the secretariat staff can decide this.")


# each staff button, and what a non-staff person who presses it is told
STAFF_BUTTONS: dict[type[CallbackData], Callable[[], str]] = {
    RequestDecision: _decide_this,
    youth_keyboards.YouthReview: _decide_idea,
    broadcast_staff.BroadcastAction: _do_this,
    DraftAction: _do_this,
    consultations_staff.StaffAction: _do_this,
    polls_staff.PollAction: _do_this,
    cafes_staff.CafeStaff: _do_this,
    campaign_staff.CampaignAction: _do_this,
}


class StaffButton(Filter):
    """A button of a staff feature; hands the handler the refusal for it."""

    def __init__(self) -> None:
        self.refusals = {kind.__prefix__: say for kind, say in STAFF_BUTTONS.items()}

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        prefix = (query.data or "").partition(":")[0]
        say = self.refusals.get(prefix)
        return {"refusal": say} if say is not None else False


async def refuse_command(message: Message) -> None:
    await message.answer(_("Sorry, only the secretariat staff can use this command."))


async def refuse_button(query: CallbackQuery, refusal: Callable[[], str]) -> None:
    await query.answer(refusal(), show_alert=True)


# staff whose console role lacks what a command or button needs (the one permission table,
# storage.staff, that the console follows too)
async def refuse_command_to_role(message: Message) -> None:
    await message.answer(_("Sorry, your staff role does not allow this command."))


async def refuse_button_to_role(query: CallbackQuery) -> None:
    await query.answer(_("Sorry, your staff role does not allow this."), show_alert=True)


def build_router() -> Router:
    gate = Router(name="staff_gate")
    gate.message.register(refuse_command, Command(*STAFF_COMMANDS), ~IsStaff())
    gate.callback_query.register(refuse_button, StaffButton(), ~IsStaff())
    staff_only = Router(name="staff_only")
    staff_only.message.filter(IsStaff())
    staff_only.callback_query.filter(IsStaff())
    staff_only.message.register(refuse_command_to_role, RoleRefuses())
    staff_only.callback_query.register(refuse_button_to_role, RoleRefuses())
    staff_only.include_routers(*(feature.build_router() for feature in STAFF_FEATURES))
    gate.include_router(staff_only)
    return gate
