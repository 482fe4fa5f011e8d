"""The lines above the first screen of a consultation: what it is and how long it takes for a
newcomer, where the answers stand for someone coming back (or a colleague of the same city)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.features.consultation_screens import answers_list, catalog
from engagement.consultations import flow
from engagement.consultations.response_access import ResponseView
from engagement.consultations.schema import localized
from i18n.times import local_time

_ = catalog.text


def welcome(
    view: ResponseView,
    lang: str,
    *,
    city: str | None,
    last_by: str | None,
    is_me: bool,
    tz: ZoneInfo,
) -> str:
    """The lines above the first screen when a person opens the consultation."""
    definition = view.definition
    if not view.answers:
        lines = []
        if definition.intro:
            lines.append(html.escape(localized(definition.intro, lang)))
        most = flow.most_questions(definition, view.answers)
        closes = local_time(view.closes_at, tz, lang)
        if most > len(flow.visible_questions(definition, view.answers)):
            count = _(
                "Up to %(n)s questions, depending on your answers; you can stop at any time and "
                "continue later where you left off. Open until %(closes)s.",
                lang,
                n=most,
                closes=closes,
            )
        else:
            count = _(
                "%(n)s questions; you can stop at any time and continue later where you left "
                "off. Open until %(closes)s.",
                lang,
                n=most,
                closes=closes,
            )
        lines.append(count)
        return "\n".join(lines)
    if view.submitted:  # the screen below lists the answers once, with who sent them
        if is_me or not city:
            return _("Your answers are submitted.", lang)
        return _(
            "%(name)s has already submitted the answers of %(city)s.",
            lang,
            name=html.escape(last_by or "?"),
            city=html.escape(city),
        )
    if is_me or not city:
        return _("Welcome back! You continue where you left off.", lang)
    lines = [
        _(
            "%(name)s has already answered for %(city)s. The answers so far:",
            lang,
            name=html.escape(last_by or "?"),
            city=html.escape(city),
        )
    ]
    lines += answers_list(view, lang)
    lines.append(_("You can change them until the consultation closes.", lang))
    return "\n".join(lines)
