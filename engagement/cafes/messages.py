"""What the bot says about a café, in the reader's language and timezone (no I/O).

The texts live in the `cafes` gettext domain (bot/locales/<lang>/LC_MESSAGES/cafes.po).
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.i18n import LANGUAGE_NAMES, FeatureCatalog
from engagement.reader_time import local_time
from outbox.content import localized
from storage.cafes import Cafe, NoticeKind

catalog = FeatureCatalog("cafes")
_ = catalog.text

# callback data prefixes: Join, Leave, Check in (people); staff buttons have their own
JOIN, LEAVE, CHECK_IN = "j", "l", "c"


def title(cafe: Cafe, lang: str) -> str:
    return html.escape(localized(cafe.titles, lang) or cafe.slug)


def language_name(code: str, lang: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(lang) or code
    except (UnknownLocaleError, ValueError):
        return LANGUAGE_NAMES.get(code, code)


def speakers_line(cafe: Cafe) -> str:
    names = [html.escape(s["name"]) for s in cafe.speakers]
    return ", ".join(names)


def not_for_you(cafe: Cafe, lang: str) -> str:
    """To someone outside the café's audience who opened its link."""
    audiences = {
        "city_representatives": _("This café is for representatives of member cities.", lang),
        "youth": _("This café is for young people of member cities.", lang),
    }
    whom = audiences.get(cafe.audience) or _("This café is by invitation.", lang)
    return whom + " " + _("The secretariat sends the invitations in this chat.", lang)


def invitation(cafe: Cafe, lang: str, tz: ZoneInfo) -> str:
    lines = [
        _("Virtual café: <b>%(title)s</b>", lang, title=title(cafe, lang)),
    ]
    if description := localized(cafe.descriptions, lang):
        lines.append(html.escape(description))
    lines.append(
        _(
            "When: %(when)s, %(minutes)s minutes. Conversation in %(language)s.",
            lang,
            when=local_time(cafe.starts_at, tz, lang),
            minutes=cafe.duration_minutes,
            language=language_name(cafe.language, lang),
        )
    )
    if cafe.speakers:
        lines.append(_("Speakers: %(names)s", lang, names=speakers_line(cafe)))
    lines.append(_("%(n)s places. Press Join to take one.", lang, n=cafe.capacity))
    return "\n\n".join(lines)


def registered(cafe: Cafe, lang: str, tz: ZoneInfo) -> str:
    return _(
        "You are registered for <b>%(title)s</b> on %(when)s. The calendar file is attached; "
        "the call link comes one hour before the start.",
        lang,
        title=title(cafe, lang),
        when=local_time(cafe.starts_at, tz, lang),
    )


def promoted(cafe: Cafe, lang: str, tz: ZoneInfo) -> str:
    return _(
        "Good news: a place became free and it is yours. You are registered for <b>%(title)s</b> "
        "on %(when)s. The calendar file is attached; the call link comes one hour before "
        "the start.",
        lang,
        title=title(cafe, lang),
        when=local_time(cafe.starts_at, tz, lang),
    )


def moved(cafe: Cafe, lang: str, tz: ZoneInfo) -> str:
    return _(
        "The virtual café <b>%(title)s</b> has moved: it now starts on %(when)s. Your place (or "
        "your place on the waiting list) is kept. The calendar file attached moves it in your "
        "calendar.",
        lang,
        title=title(cafe, lang),
        when=local_time(cafe.starts_at, tz, lang),
    )


def waiting(cafe: Cafe, lang: str, position: int) -> str:
    return _(
        "<b>%(title)s</b> is full. You are number %(position)s on the waiting list; if a place "
        "becomes free, it is yours and I will tell you.",
        lang,
        title=title(cafe, lang),
        position=position,
    )


def reminder(cafe: Cafe, kind: NoticeKind, lang: str, tz: ZoneInfo) -> str:
    """The text of a scheduled notice (not the invitation)."""
    when = local_time(cafe.starts_at, tz, lang)
    if kind == NoticeKind.day_before:
        return _(
            "Reminder: the virtual café <b>%(title)s</b> is on %(when)s. If you cannot come, "
            "press Leave so that someone on the waiting list gets your place.",
            lang,
            title=title(cafe, lang),
            when=when,
        )
    if kind == NoticeKind.hour_before:
        return _(
            "The virtual café <b>%(title)s</b> starts in one hour (%(when)s).\n\n"
            "Call link, for you only: %(url)s",
            lang,
            title=title(cafe, lang),
            when=when,
            url=html.escape(cafe.call_url),
        )
    return _(
        "The virtual café <b>%(title)s</b> has started. Press Check in so that we know you "
        "took part; you will then be asked for your opinion.",
        lang,
        title=title(cafe, lang),
    )


def button_label(action: str, lang: str) -> str:
    labels = {
        JOIN: _("Join", lang),
        LEAVE: _("Leave", lang),
        CHECK_IN: _("Check in", lang),
        "call": _("Open the call", lang),
    }
    return labels[action]
