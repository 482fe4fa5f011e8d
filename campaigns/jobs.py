"""The scheduler's campaign job (wired in app/jobs.py): launch the steps that are due, close
the campaign consultations whose time is over. Derived from the database, so a restart loses
nothing, and every launch is idempotent, so nothing is sent twice."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from campaigns import timeline
from campaigns.config import CampaignConfig
from campaigns.errors import CampaignError
from campaigns.launch import launch_step
from engagement.consultations import lifecycle
from storage.campaigns import Campaign, CampaignStatus, StepStatus
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory

log = logging.getLogger(__name__)


async def run_due_steps(
    sessions: SessionFactory, config: CampaignConfig, now: datetime
) -> list[str]:
    """Launch every due step of active campaigns; returns "year:key" of those launched."""
    launched: list[str] = []
    async with sessions() as session:
        campaigns = (
            await session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.active))
        ).all()
        due = [
            (c.year, s.key)
            for c in campaigns
            for s in c.steps
            if s.status == StepStatus.planned and timeline.is_due(s.due_at, now)
        ]
    for year, key in sorted(due, key=lambda d: (d[0], timeline.STEP_KEYS.index(d[1]))):
        async with sessions() as session:
            campaign = await session.scalar(select(Campaign).where(Campaign.year == year))
            assert campaign is not None
            try:
                outcome = await launch_step(
                    session, campaign, key, config, now=now, actor="scheduler"
                )
            except CampaignError as exc:
                log.error("campaign %s: step %s not launched: %s", year, key, exc)
                continue
            if not outcome.already:
                launched.append(f"{year}:{key}")
    await close_finished_consultations(sessions, now)
    return launched


async def close_finished_consultations(sessions: SessionFactory, now: datetime) -> int:
    """Close the campaign consultations past their closing time; their steps are done."""
    closed = 0
    async with sessions() as session:
        campaigns = (await session.scalars(select(Campaign))).all()
        steps = [s for c in campaigns for s in c.steps if s.status == StepStatus.launched]
        for step in steps:
            consultation = (
                await session.get(Consultation, step.consultation_id)
                if step.consultation_id
                else None
            )
            if consultation is not None and now < consultation.closes_at:
                continue
            if consultation is not None and consultation.status == ConsultationStatus.open:
                await lifecycle.set_status(
                    session, consultation.id, ConsultationStatus.closed, actor="scheduler", now=now
                )
                closed += 1
            step.status = StepStatus.done
        await session.commit()
    return closed
