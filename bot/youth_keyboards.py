"""Inline keyboards of the youth voice, labelled through the `youth` catalog."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import FeatureCatalog
from storage.networks import City
from storage.youth import AgeBracket, PublishAs, Theme

catalog = FeatureCatalog("youth")
_ = catalog.text


class YouthAge(CallbackData, prefix="ya"):
    bracket: str


class YouthGuardian(CallbackData, prefix="yg"):
    agrees: bool


class YouthPublish(CallbackData, prefix="yp"):
    choice: str


class YouthSkipMedia(CallbackData, prefix="ym"):
    pass


class YouthCity(CallbackData, prefix="yc"):
    city_id: int


class YouthTheme(CallbackData, prefix="yt"):
    theme: str


class YouthReview(CallbackData, prefix="yr"):
    submission_id: int
    action: str  # approve | reject | changes


REVIEW_ACTIONS = ("approve", "reject", "changes")


def _column(pairs: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


def theme_label(theme: Theme, lang: str | None = None) -> str:
    labels = {
        Theme.participation: _("Participation", lang),
        Theme.inclusion: _("Inclusion", lang),
        Theme.sustainability: _("Sustainability", lang),
        Theme.culture: _("Culture", lang),
        Theme.city_and_childhood: _("City and childhood", lang),
        Theme.other: _("Something else", lang),
    }
    return labels[theme]


def age_label(bracket: AgeBracket, lang: str | None = None) -> str:
    labels = {
        AgeBracket.under_16: _("Under 16", lang),
        AgeBracket.from_16_to_17: _("16 or 17", lang),
        AgeBracket.adult: _("18 or older", lang),
    }
    return labels[bracket]


def ages() -> InlineKeyboardMarkup:
    return _column([(age_label(b), YouthAge(bracket=b.value).pack()) for b in AgeBracket])


def guardian() -> InlineKeyboardMarkup:
    return _column(
        [
            (_("Yes, a parent or guardian agrees"), YouthGuardian(agrees=True).pack()),
            (_("Not yet"), YouthGuardian(agrees=False).pack()),
        ]
    )


def publish(first_name: str) -> InlineKeyboardMarkup:
    pairs = [(_("Anonymously"), YouthPublish(choice=PublishAs.anonymous.value).pack())]
    if first_name:
        label = _("With my first name (%(name)s)", name=first_name)
        pairs.insert(0, (label, YouthPublish(choice=PublishAs.first_name.value).pack()))
    return _column(pairs)


def skip_media() -> InlineKeyboardMarkup:
    return _column([(_("Skip: no photo or voice note"), YouthSkipMedia().pack())])


def cities(found: Sequence[City]) -> InlineKeyboardMarkup:
    return _column([(f"{c.name} ({c.country})", YouthCity(city_id=c.id).pack()) for c in found])


def themes() -> InlineKeyboardMarkup:
    return _column([(theme_label(t), YouthTheme(theme=t.value).pack()) for t in Theme])


def review(submission_id: int, lang: str) -> InlineKeyboardMarkup:
    """Approve / Reject / Ask for changes, for a staff member, in their language."""
    labels = {
        "approve": _("Approve", lang),
        "reject": _("Reject (with a reason)", lang),
        "changes": _("Ask for changes", lang),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=labels[action],
                    callback_data=YouthReview(submission_id=submission_id, action=action).pack(),
                )
            ]
            for action in REVIEW_ACTIONS
        ]
    )
