"""SQL for campaigns: find them by year or status; the declaration's versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import Campaign, CampaignStatus, DeclarationVersion


async def campaign_of_year(
    session: AsyncSession, year: int, *, fresh: bool = False
) -> Campaign | None:
    """The campaign of `year`; with `fresh`, reloaded from the database (after a commit)."""
    query = select(Campaign).where(Campaign.year == year)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return await session.scalar(query)


async def campaigns(session: AsyncSession, status: CampaignStatus | None = None) -> list[Campaign]:
    """Every campaign, or those in `status`."""
    query = select(Campaign)
    if status is not None:
        query = query.where(Campaign.status == status)
    return list((await session.scalars(query)).all())


async def declaration_versions(
    session: AsyncSession, campaign_id: int, language: str | None = None
) -> list[DeclarationVersion]:
    """The declaration's versions (in `language`, or all), newest first."""
    query = select(DeclarationVersion).where(DeclarationVersion.campaign_id == campaign_id)
    if language is not None:
        query = query.where(DeclarationVersion.language == language)
    query = query.order_by(DeclarationVersion.language, DeclarationVersion.number.desc())
    return list((await session.scalars(query)).all())
