"""The chat's side of answering on the web too: the person's link to the same response in a
browser (a URL button under questions and the review), and the answer to a button pressed on a
screen older than the response (someone saved it meanwhile, in the bot or on the web)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import BotConfig
from bot.features import consultation_screens as screens
from engagement.consultations.response_access import ResponseView
from engagement.consultations.web_links import AnswerLink, answer_url, make_token

_ = screens.catalog.text


def web_link(config: BotConfig, view: ResponseView, person_id: int) -> str | None:
    """The person's signed link to the same response on the web; None unless the site is
    served over HTTPS (Telegram refuses other button URLs)."""
    if not config.public_url.startswith("https://"):
        return None
    city = view.city_id if view.definition.one_response_per.value == "city" else None
    token = make_token(AnswerLink(view.consultation_id, person_id, city), config.signing_key)
    return answer_url(config.public_url, view.definition.slug, token)


def changed_meanwhile(
    view: ResponseView, lang: str, city: str | None, tz: ZoneInfo
) -> tuple[str, screens.Screen]:
    """What a person whose press was refused (the answers changed since their screen) is told
    (a popup) and shown: the answers as they are now, then where the response stands."""
    notice = _(
        "Someone else changed these answers meanwhile (in the bot or on the web); yours "
        "was not saved. Here they are now: please check, then answer again.",
        lang,
    )
    preamble = "\n".join(screens.answers_list(view, lang))
    return notice, screens.current_screen(view, lang, city, preamble, tz=tz)
