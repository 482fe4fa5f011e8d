"""Which mailer sends transactional email (the double opt-in confirmation)."""

from __future__ import annotations

from app.settings import Settings
from newsletter.subscriptions.mailer import Mailer, OutboxMailer


def transactional_mailer(settings: Settings) -> Mailer:
    """The file outbox (`AIVE_OUTBOX_DIR`); SendGrid once the delivery backends are merged."""
    return OutboxMailer(settings.outbox_dir, settings.mail_from)
