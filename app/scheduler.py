"""APScheduler wiring: jobs that feature packages register, run only by the leader."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from app.context import AppContext
from app.leader import leadership, still_leader
from telemetry.logs import bound
from telemetry.metrics import timed_job

log = logging.getLogger(__name__)
JobFunc = Callable[[AppContext], Awaitable[object]]


@dataclass(frozen=True)
class Job:
    id: str
    func: JobFunc
    trigger: Callable[[AppContext], BaseTrigger]


def registered_jobs() -> list[Job]:
    """Every scheduled job of the product (feature packages add theirs here)."""
    from app.jobs import JOBS

    return list(JOBS)


def build_scheduler(ctx: AppContext, jobs: list[Job]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=ctx.settings.zone)
    for job in jobs:
        scheduler.add_job(
            _guarded(job, ctx),
            trigger=job.trigger(ctx),
            id=job.id,
            name=job.id,  # what APScheduler's log lines call it ("Running job feeds.fetch_due")
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )
    return scheduler


def _guarded(job: Job, ctx: AppContext) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            with bound(job=job.id), timed_job(job.id):
                await job.func(ctx)
        except Exception:  # one failing job must not stop the scheduler
            log.exception("scheduled job %s failed", job.id)

    return run


async def serve_scheduler(ctx: AppContext, stop: asyncio.Event, check_seconds: float = 5.0) -> None:
    """Become leader, run the jobs while leading; on losing the lock, stop and wait again."""
    jobs = registered_jobs()
    while not stop.is_set():
        async with leadership(ctx.engine, stop, retry_seconds=check_seconds) as lock:
            if stop.is_set():
                return
            scheduler = build_scheduler(ctx, jobs)
            scheduler.start()
            log.info("scheduler running %d jobs: %s", len(jobs), ", ".join(j.id for j in jobs))
            try:
                while not stop.is_set():
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=check_seconds)
                    except TimeoutError:
                        if not await still_leader(lock):
                            log.warning("scheduler: lost the leader lock; pausing jobs")
                            break
            finally:
                scheduler.shutdown(wait=False)
