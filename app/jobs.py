"""The list of scheduled jobs. Feature packages provide the job functions; wiring lives here."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from app.bulletin_config import bulletin_config
from app.campaign_config import campaign_config
from app.context import AppContext
from app.mail import transactional_mailer
from app.scheduler import Job
from bot.broadcast.poll_closing import close_due_polls_job
from bot.staff_notices import notify_staff_of_drafts
from campaigns.jobs import run_due_steps
from engagement.cafes.jobs import send_cafe_notices
from engagement.consultations.jobs import send_consultation_reminders
from engagement.consultations.reports import due_reminders
from newsletter.editions.jobs import compose_scheduled_drafts
from newsletter.feeds.jobs import fetch_due_feeds
from storage.base import utcnow
from web.public.answer_mail import email_reminders


async def compose_bulletin_drafts(ctx: AppContext) -> None:
    """Series are rows with their own cron cadence: check every 5 minutes which one fired."""
    drafts = await compose_scheduled_drafts(ctx.sessions, utcnow(), bulletin_config(ctx.settings))
    if drafts:
        async with ctx.sessions() as session:
            await notify_staff_of_drafts(session, drafts, ctx.settings.default_language)


async def remind_consultations(ctx: AppContext) -> None:
    """Reminders in the bot (chat outbox) and by email with the web link, to whoever has an
    address among those due; each is recorded, so nobody is reminded twice."""
    async with ctx.sessions() as session:
        due = await due_reminders(session, utcnow())
    await send_consultation_reminders(ctx)
    settings = ctx.settings
    async with ctx.sessions() as session:
        for consultation_id in sorted({r.consultation_id for r in due}):
            await email_reminders(
                session,
                consultation_id,
                [r.person_id for r in due if r.consultation_id == consultation_id],
                mailer=transactional_mailer(settings),
                key=settings.signing_key(),
                public_url=settings.public_url,
                default_language=settings.default_language,
                timezone=settings.timezone,
            )


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
        remind_consultations,
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
