"""Inline keyboards and their callback data (each packed under Telegram's 64 bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from i18n.languages import LANGUAGE_NAMES
from storage.networks import City


class LanguageChoice(CallbackData, prefix="lang"):
    code: str
    onboarding: bool = False  # during /start, the role question follows


class RoleChoice(CallbackData, prefix="role"):
    role: str  # representative | youth | member


class CityChoice(CallbackData, prefix="city"):
    city_id: int


class RequestDecision(CallbackData, prefix="rq"):
    request_id: int
    approve: bool


class ForgetChoice(CallbackData, prefix="forget"):
    confirm: bool


def _rows(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons])


def languages(onboarding: bool) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                text=name, callback_data=LanguageChoice(code=code, onboarding=onboarding).pack()
            )
            for code, name in sorted(LANGUAGE_NAMES.items())  # by code: ca, en, es, fr, pt
        ]
    )


def roles() -> InlineKeyboardMarkup:
    labels = {
        "representative": _("I represent a member city"),
        "youth": _("I am a young person (youth council, school…)"),
        "member": _("I just want to follow the news"),
    }
    return _rows(
        [
            InlineKeyboardButton(text=label, callback_data=RoleChoice(role=role).pack())
            for role, label in labels.items()
        ]
    )


def cities(found: Sequence[City]) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                text=f"{city.name} ({city.country})",
                callback_data=CityChoice(city_id=city.id).pack(),
            )
            for city in found
        ]
    )


def decision(request_id: int, i18n: I18n, locale: str) -> InlineKeyboardMarkup:
    """Approve / Reject for a staff member, labelled in that staff member's language."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=i18n.gettext("Approve", locale=locale),
                    callback_data=RequestDecision(request_id=request_id, approve=True).pack(),
                ),
                InlineKeyboardButton(
                    text=i18n.gettext("Reject", locale=locale),
                    callback_data=RequestDecision(request_id=request_id, approve=False).pack(),
                ),
            ]
        ]
    )


def forget() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Yes, erase everything"),
                    callback_data=ForgetChoice(confirm=True).pack(),
                ),
                InlineKeyboardButton(
                    text=_("No, keep it"), callback_data=ForgetChoice(confirm=False).pack()
                ),
            ]
        ]
    )
