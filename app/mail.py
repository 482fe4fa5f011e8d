"""Which mailer sends transactional email (the double opt-in confirmation)."""

from __future__ import annotations

from app.settings import Settings
from newsletter.subscriptions.mailer import Mailer, OutboxMailer
from newsletter.subscriptions.sendgrid_mailer import SendGridMailer


def transactional_mailer(settings: Settings) -> Mailer:
    """SendGrid when AIVE_SENDGRID_API_KEY is set, else `.eml` files in AIVE_OUTBOX_DIR."""
    if settings.sendgrid_api_key is not None:
        key = settings.sendgrid_api_key.get_secret_value()
        return SendGridMailer(key, settings.sendgrid_host, settings.mail_from)
    return OutboxMailer(settings.outbox_dir, settings.mail_from)
