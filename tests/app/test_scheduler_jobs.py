"""What the scheduler runs, and what its log lines call each job."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.scheduler import build_scheduler, registered_jobs
from app.settings import load_settings
from storage.engine import create_session_factory


async def test_every_job_is_scheduled_under_its_own_name(engine: AsyncEngine) -> None:
    ctx = AppContext(load_settings(), engine, create_session_factory(engine))
    jobs = registered_jobs()
    scheduler = build_scheduler(ctx, jobs)
    scheduled = {job.id: job.name for job in scheduler.get_jobs()}
    assert scheduled == {job.id: job.id for job in jobs}  # "Running job feeds.fetch_due"
    assert "feeds.fetch_due" in scheduled and "bulletins.compose_drafts" in scheduled
