"""Wiring of the delivery engine: which backend, the sender, and the `aive worker` drainer."""

from __future__ import annotations

import logging

from app.context import AppContext
from app.settings import Settings
from newsletter.delivery.backend import MailBackend
from newsletter.delivery.outbox_backend import OutboxBackend
from newsletter.delivery.outcomes import BatchReport
from newsletter.delivery.recipients import CachedLinks
from newsletter.delivery.sender import Sender, SenderConfig
from newsletter.delivery.sendgrid_backend import SendGridBackend
from storage import bulletins_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from telemetry.metrics import DELIVERIES

log = logging.getLogger(__name__)


def make_backend(settings: Settings) -> MailBackend:
    """SendGrid when AIVE_SENDGRID_API_KEY is set, else `.eml` files in AIVE_OUTBOX_DIR."""
    if settings.sendgrid_api_key is not None:
        key = settings.sendgrid_api_key.get_secret_value()
        return SendGridBackend(key, host=settings.sendgrid_host)
    return OutboxBackend(settings.outbox_dir)


def make_sender(
    settings: Settings, sessions: SessionFactory, config: SenderConfig | None = None
) -> Sender:
    return Sender(
        sessions, make_backend(settings), CachedLinks(settings), settings.mail_from, config=config
    )


def count_report(report: BatchReport) -> None:
    for outcome in ("accepted", "failed", "uncertain", "skipped"):
        if count := getattr(report, outcome):
            DELIVERIES.labels(outcome).inc(count)


async def drain_deliveries(ctx: AppContext) -> int:
    """One batch of any edition being sent (scheduled editions that are due are queued first);
    returns the deliveries handled."""
    async with ctx.sessions() as session:
        for edition_id in await bulletins_queries.due_scheduled_editions(session, utcnow()):
            result = await bulletins_queries.enqueue_edition(session, edition_id, utcnow())
            log.info("edition %s is due: %d deliveries queued", edition_id, result.added)
        await session.commit()
    sender = make_sender(ctx.settings, ctx.sessions)
    try:
        await sender.recover()
        report = await sender.send_next()
    finally:
        await sender.backend.close()
    if report is not None:
        count_report(report)
    return 0 if report is None else report.claimed + report.skipped
