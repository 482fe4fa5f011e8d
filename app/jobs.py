"""The list of scheduled jobs. Feature packages provide the job functions; wiring lives here."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from app.scheduler import Job
from bot.engagement.consultations.jobs import send_consultation_reminders
from newsletter.jobs import fetch_due_feeds

JOBS: list[Job] = [
    # every minute: cheap when nothing is due; each source carries its own next fetch time
    Job("feeds.fetch_due", fetch_due_feeds, lambda ctx: IntervalTrigger(minutes=1)),
    # every 15 minutes: reminders 3 days before closing, derived from the database, once each
    Job(
        "consultations.remind",
        send_consultation_reminders,
        lambda ctx: IntervalTrigger(minutes=15),
    ),
]
