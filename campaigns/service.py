"""Staff actions on a year's campaign: create it, pause or resume it or one step, move a step,
set the declaration. Every function commits what it changed and records an audit event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns import declaration, timeline
from campaigns.config import CampaignConfig
from campaigns.errors import CampaignError, DayPassed, StepTimePassed
from storage import audit, campaigns_queries
from storage.campaigns import Campaign, CampaignStatus, CampaignStep, StepStatus


async def create_campaign(
    session: AsyncSession,
    year: int,
    config: CampaignConfig,
    *,
    theme: str | None = None,
    kit_url: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> Campaign:
    """The campaign of `year` with its six steps at their default times; CampaignError when
    that year already has one or the year is implausible, DayPassed when, given `now`, the
    year's Day is over (its steps would wait for ever)."""
    if not 2000 <= year <= 2100:
        raise CampaignError(f"{year} is not a campaign year (2000–2100)")
    if now is not None and timeline.day_has_passed(year, config.timezone, now):
        raise DayPassed(f"the {year} Day ({timeline.day_of(year)}) has passed")
    campaign = Campaign(year=year, theme=(theme or "").strip() or None, kit_url=kit_url)
    campaign.steps = [
        CampaignStep(key=step.key, due_at=step.due_at)
        for step in timeline.plan_timeline(year, config.timezone)
    ]
    session.add(campaign)
    audit.record(session, actor, "campaign.create", str(year))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise CampaignError(f"the {year} campaign already exists") from None
    return await get_campaign(session, year)


async def get_campaign(session: AsyncSession, year: int) -> Campaign:
    campaign = await campaigns_queries.campaign_of_year(session, year)
    if campaign is None:
        raise CampaignError(
            f"no campaign for {year}: create it with `aive campaign create --year {year}`"
        )
    return campaign


def find_step(campaign: Campaign, key: str) -> CampaignStep:
    spec = timeline.spec(key)
    step = campaign.step(spec.key)
    if step is None:  # pragma: no cover - every campaign is created with all its steps
        raise CampaignError(f"the {campaign.year} campaign has no step {spec.key}")
    return step


async def set_paused(
    session: AsyncSession, year: int, key: str | None, *, paused: bool, actor: str
) -> Campaign:
    """Pause (or resume) the whole campaign, or one step that is not launched yet."""
    campaign = await get_campaign(session, year)
    if key is None:
        campaign.status = CampaignStatus.paused if paused else CampaignStatus.active
    else:
        step = find_step(campaign, key)
        if step.status in (StepStatus.launched, StepStatus.done):
            raise CampaignError(f"step {step.key} was launched already")
        step.status = StepStatus.paused if paused else StepStatus.planned
    action = "pause" if paused else "resume"
    audit.record(session, actor, f"campaign.{action}", f"{year} {key or 'all'}")
    await session.commit()
    return campaign


async def move_step(
    session: AsyncSession,
    year: int,
    key: str,
    to: datetime,
    *,
    actor: str,
    now: datetime | None = None,
) -> CampaignStep:
    """Give a step that is not launched yet a new time (aware); the first time is kept. With
    `now`, a time already past is refused (StepTimePassed): the scheduler would never send it."""
    if to.tzinfo is None:
        raise CampaignError("the new time must carry a timezone")
    if now is not None and to <= now:
        raise StepTimePassed(f"{to.isoformat()} has passed; give a time to come")
    campaign = await get_campaign(session, year)
    step = find_step(campaign, key)
    if step.status in (StepStatus.launched, StepStatus.done):
        raise CampaignError(f"step {step.key} was launched already; it cannot be moved")
    if step.moved_from is None:
        step.moved_from = step.due_at
    step.due_at = to
    audit.record(session, actor, "campaign.move", f"{year} {step.key} {to.isoformat()}")
    await session.commit()
    return step


async def set_declaration(
    session: AsyncSession,
    year: int,
    lang: str,
    text: str,
    *,
    actor: str,
    expected: int | None = None,
) -> Campaign:
    """The declaration read on the Day, in `lang` (one of the five languages), saved as a new
    version (the earlier ones are kept; see campaigns.declaration). DeclarationError when the
    text is empty or too long, the language unknown, or (with `expected`, the version the
    editor started from) someone saved another version meanwhile."""
    declaration.checked_text(lang, text)
    campaign = await get_campaign(session, year)
    saved = await declaration.add_version(
        session, campaign, lang, text, actor=actor, expected=expected
    )
    if saved is not None:
        audit.record(session, actor, "campaign.declaration", f"{year} {lang}", version=saved.number)
    await session.commit()
    return campaign
