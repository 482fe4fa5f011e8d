"""The email that hands a city's representative their invitation link to the bot, in the
language the invitation greets them in."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from i18n.languages import LANGUAGES
from newsletter.subscriptions.i18n import gettext, render
from newsletter.subscriptions.mailer import TransactionalMessage


def invitation_message(
    *, to: str, name: str | None, city: str, link: str, expires_at: datetime, lang: str
) -> TransactionalMessage:
    """Subject, text and HTML with the single-use link (it works on the phone with Telegram)."""
    lang = lang if lang in LANGUAGES else "en"
    subject = gettext(lang, "Your invitation to the Educating Cities bot for %(city)s", city=city)
    context = {
        "name": name,
        "city": city,
        "url": link,
        "subject": subject,
        "expires": format_date(expires_at.date(), "long", locale=lang),
    }
    return TransactionalMessage(
        to=to,
        to_name=name,
        subject=subject,
        text=render(lang, "email_invite.txt", **context),
        html=render(lang, "email_invite.html", **context),
        category="invitation",
    )
