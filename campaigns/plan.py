"""What staff see before anything is sent: every step with its time, audience, channels and
how many would get it (`aive campaign plan`), and a dry run of one launch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns import timeline
from campaigns.audience import step_audience
from campaigns.config import CampaignConfig
from campaigns.launch import _languages, step_texts
from storage.campaigns import Campaign


@dataclass(frozen=True)
class PlanLine:
    key: str
    due_at: datetime
    local: str
    status: str
    moved_from: datetime | None
    chat_audience: str
    channels: tuple[str, ...]
    consultation: str | None
    emails: int
    chats: int

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "due_at": self.due_at.isoformat(),
            "local": self.local,
            "status": self.status,
            "moved_from": self.moved_from.isoformat() if self.moved_from else None,
            "audience": {"email": "confirmed subscribers", "chat": self.chat_audience},
            "channels": list(self.channels),
            "consultation": self.consultation,
            "recipients": {"email": self.emails, "chat": self.chats},
        }


async def plan(session: AsyncSession, campaign: Campaign, config: CampaignConfig) -> list[PlanLine]:
    tz = ZoneInfo(config.timezone)
    lines = []
    for step in sorted(campaign.steps, key=lambda s: (s.due_at, timeline.STEP_KEYS.index(s.key))):
        spec = timeline.spec(step.key)
        audience = await step_audience(session, spec, default_language=config.default_language)
        lines.append(
            PlanLine(
                key=step.key,
                due_at=step.due_at,
                local=f"{step.due_at.astimezone(tz):%Y-%m-%d %H:%M} {config.timezone}",
                status=step.status.value,
                moved_from=step.moved_from,
                chat_audience=spec.chat_audience,
                channels=timeline.CHANNELS,
                consultation=spec.consultation,
                emails=len(audience.emails),
                chats=len(audience.chats),
            )
        )
    return lines


@dataclass(frozen=True)
class DryRun:
    key: str
    subjects: dict[str, str]
    emails_by_language: dict[str, int]
    chats_by_language: dict[str, int]
    first_emails: list[str]
    first_chats: list[str]
    consultation: str | None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


async def dry_run(
    session: AsyncSession, campaign: Campaign, key: str, config: CampaignConfig, *, first: int = 5
) -> DryRun:
    """Who would get what if `key` were launched now; nothing is stored or sent."""
    spec = timeline.spec(key)
    audience = await step_audience(session, spec, default_language=config.default_language)
    texts = await step_texts(session, campaign, spec.key, _languages(audience), config)
    wanted = set(audience.email_languages()) | set(audience.chat_languages())
    return DryRun(
        key=spec.key,
        subjects={lang: texts[lang].subject for lang in sorted(wanted)},
        emails_by_language=dict(sorted(audience.email_languages().items())),
        chats_by_language=dict(sorted(audience.chat_languages().items())),
        first_emails=[f"{r.email} ({r.language})" for r in audience.emails[:first]],
        first_chats=[
            f"{audience.names.get(r.chat_id, r.chat_id)} ({r.language})"
            for r in audience.chats[:first]
        ],
        consultation=f"day-{campaign.year}-{spec.consultation}" if spec.consultation else None,
    )
