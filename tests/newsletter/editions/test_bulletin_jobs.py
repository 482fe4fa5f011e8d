"""The scheduled bulletin jobs: drafts at each cadence, once; due editions handed to delivery."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from newsletter.editions import service as bulletins
from newsletter.editions.jobs import compose_scheduled_drafts
from storage.bulletins import Edition, EditionStatus, Series
from storage.engine import SessionFactory
from tests.newsletter.bulletin_samples import NOW, build_world

CONFIG = bulletins.BulletinConfig(public_url="https://bulletin.example.org")
FIRE = NOW  # the cadence "0 9 * * tue" fires on Tuesday 10 March 2026 at 09:00 in Madrid


async def count_editions(sessions: SessionFactory) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Edition)) or 0)


async def test_cadence_composes_one_draft_per_language_once_per_period(
    sessions: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with sessions() as s:
        await build_world(s)
    before = await compose_scheduled_drafts(sessions, FIRE - timedelta(minutes=1), CONFIG)
    assert before == []  # last week's fire is past the grace period: nothing stale is composed
    with caplog.at_level(logging.INFO, logger="newsletter.editions.jobs"):
        drafts = await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=3), CONFIG)
    assert sorted(d.language for d in drafts) == ["en", "fr"]
    assert {(d.period_start, d.period_end) for d in drafts} == {(FIRE - timedelta(days=7), FIRE)}
    assert all(d.status is EditionStatus.draft for d in drafts)
    assert "ready for review" in caplog.text
    # the next check, and a restarted scheduler the day after, find the period covered
    assert await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=8), CONFIG) == []
    assert await compose_scheduled_drafts(sessions, FIRE + timedelta(days=1), CONFIG) == []
    assert await count_editions(sessions) == 2


async def test_next_fire_starts_where_the_published_edition_ended(
    sessions: SessionFactory,
) -> None:
    async with sessions() as s:
        await build_world(s)
    first = await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=1), CONFIG)
    async with sessions() as s:
        for draft in first:
            await bulletins.approve(s, draft.id, "ana", now=FIRE + timedelta(hours=1))
    week = FIRE + timedelta(days=7)
    second = await compose_scheduled_drafts(sessions, week + timedelta(minutes=1), CONFIG)
    assert {(d.period_start, d.period_end) for d in second} == {(FIRE, week)}


async def test_a_cancelled_edition_is_not_composed_again_for_its_fire(
    sessions: SessionFactory,
) -> None:
    async with sessions() as s:
        await build_world(s)
    drafts = await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=1), CONFIG)
    async with sessions() as s:
        for draft in drafts:
            await bulletins.cancel(s, draft.id, "ana")
    assert await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=6), CONFIG) == []


async def test_a_series_with_a_broken_cadence_does_not_stop_the_others(
    sessions: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with sessions() as s:
        await build_world(s)
        s.add(
            Series(slug="broken", titles={"en": "Broken"}, languages=["en"], cadence="61 9 * * *")
        )
        await s.commit()
    drafts = await compose_scheduled_drafts(sessions, FIRE + timedelta(minutes=1), CONFIG)
    assert len(drafts) == 2
    assert "broken" in caplog.text and "not a valid cron expression" in caplog.text
