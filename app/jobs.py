"""The list of scheduled jobs. Feature packages provide the job functions; wiring lives here."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from app.bulletin_config import bulletin_config
from app.context import AppContext
from app.scheduler import Job
from newsletter.bulletin_jobs import compose_scheduled_drafts, hand_over_due_editions
from newsletter.jobs import fetch_due_feeds
from storage.base import utcnow


async def compose_bulletin_drafts(ctx: AppContext) -> None:
    """Series are rows with their own cron cadence: check every 5 minutes which one fired."""
    await compose_scheduled_drafts(ctx.sessions, utcnow(), bulletin_config(ctx.settings))


async def hand_over_bulletins(ctx: AppContext) -> None:
    # the delivery engine passes its `deliver` hook here when it is wired
    await hand_over_due_editions(ctx.sessions, utcnow())


JOBS: list[Job] = [
    # every minute: cheap when nothing is due; each source carries its own next fetch time
    Job("feeds.fetch_due", fetch_due_feeds, lambda ctx: IntervalTrigger(minutes=1)),
    Job(
        "bulletins.compose_drafts", compose_bulletin_drafts, lambda ctx: IntervalTrigger(minutes=5)
    ),
    Job("bulletins.hand_over_due", hand_over_bulletins, lambda ctx: IntervalTrigger(minutes=1)),
]
