"""The double opt-in email, in the subscriber's language."""

from __future__ import annotations

from typing import Protocol

from i18n.languages import LANGUAGES
from newsletter.subscriptions.i18n import gettext, render
from newsletter.subscriptions.mailer import TransactionalMessage
from newsletter.subscriptions.tokens import SubscriberLike, TokenSettings, confirm_url


class ConfirmationRecipient(SubscriberLike, Protocol):
    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str | None: ...

    @property
    def language(self) -> str: ...


def confirmation_message(
    settings: TokenSettings, subscriber: ConfirmationRecipient
) -> TransactionalMessage:
    """Subject, text and HTML with a signed confirm link valid for 7 days."""
    lang = subscriber.language if subscriber.language in LANGUAGES else "en"
    url = confirm_url(settings, subscriber)
    subject = gettext(lang, "Confirm your subscription to the Educating Cities bulletin")
    context = {"name": subscriber.name, "url": url, "subject": subject}
    return TransactionalMessage(
        to=subscriber.email,
        to_name=subscriber.name,
        subject=subject,
        text=render(lang, "email_confirm.txt", **context),
        html=render(lang, "email_confirm.html", **context),
        category="confirmation",
    )
