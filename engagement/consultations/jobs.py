"""Scheduled job of consultations (wired in app/jobs.py): reminders before closing."""

from __future__ import annotations

import logging
from typing import Protocol

from engagement.consultations.invitations import send_due_reminders
from storage.engine import SessionFactory

log = logging.getLogger(__name__)


class _Settings(Protocol):
    default_language: str
    timezone: str


class JobContext(Protocol):
    @property
    def settings(self) -> _Settings: ...
    @property
    def sessions(self) -> SessionFactory: ...


async def send_consultation_reminders(ctx: JobContext) -> int:
    """Queue the reminders that are due; restart-safe (what was sent is recorded)."""
    async with ctx.sessions() as session:
        queued = await send_due_reminders(
            session,
            default_language=ctx.settings.default_language,
            default_timezone=ctx.settings.timezone,
        )
    if queued:
        log.info("consultations: %d reminders queued", queued)
    return queued
