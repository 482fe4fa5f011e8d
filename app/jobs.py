"""The list of scheduled jobs. Feature packages provide the job functions; wiring lives here."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from app.bulletin_config import bulletin_config
from app.campaign_config import campaign_config
from app.context import AppContext
from app.scheduler import Job
from bot.staff_notices import notify_staff_of_drafts
from campaigns.jobs import run_due_steps
from engagement.cafes.jobs import send_cafe_notices
from engagement.consultations.jobs import send_consultation_reminders
from engagement.polls.jobs import close_due_polls_job
from newsletter.editions.jobs import compose_scheduled_drafts
from newsletter.feeds.jobs import fetch_due_feeds
from storage.base import utcnow


async def compose_bulletin_drafts(ctx: AppContext) -> None:
    """Series are rows with their own cron cadence: check every 5 minutes which one fired."""
    drafts = await compose_scheduled_drafts(ctx.sessions, utcnow(), bulletin_config(ctx.settings))
    if drafts:
        async with ctx.sessions() as session:
            await notify_staff_of_drafts(session, drafts, ctx.settings.default_language)


async def launch_campaign_steps(ctx: AppContext) -> None:
    """Campaign steps are rows with their own time: launch those due, close ended consultations."""
    await run_due_steps(ctx.sessions, campaign_config(ctx.settings), utcnow())


JOBS: list[Job] = [
    # every minute: cheap when nothing is due; each source carries its own next fetch time
    Job("feeds.fetch_due", fetch_due_feeds, lambda ctx: IntervalTrigger(minutes=1)),
    Job(
        "bulletins.compose_drafts", compose_bulletin_drafts, lambda ctx: IntervalTrigger(minutes=5)
    ),
    # every 15 minutes: reminders 3 days before closing, derived from the database, once each
    Job(
        "consultations.remind",
        send_consultation_reminders,
        lambda ctx: IntervalTrigger(minutes=15),
    ),
    # every 5 minutes: International Day steps that are due (idempotent: never sent twice)
    Job("campaigns.launch_due", launch_campaign_steps, lambda ctx: IntervalTrigger(minutes=5)),
    # every minute: stop the sent polls whose closing time passed, once each
    Job("polls.close_due", close_due_polls_job, lambda ctx: IntervalTrigger(minutes=1)),
    # every minute: café reminders (24 h, 1 h with the link), check-in calls and evaluations,
    # derived from each café's start time and the notices already queued, once each
    Job("cafes.notices", send_cafe_notices, lambda ctx: IntervalTrigger(minutes=1)),
]
