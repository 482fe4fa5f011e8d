"""The campaign pages' world: four city representatives and four confirmed subscribers
(tests/campaigns/support.py), the campaign of a year far enough ahead that every step is still
planned, and staff signed in to a console whose kits go to a temporary folder."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from campaigns import service
from campaigns.config import CampaignConfig
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.campaigns.support import World, build_world
from tests.fakes.telegram import FakeTelegram
from tests.web.console.helpers import PUBLIC_URL, console_app
from tests.web.console.pages_world import Staff, start_signed_in
from web.console.campaign import CAMPAIGN_CONFIG

YEAR = 2031


def campaign_config(tmp_path: Path) -> CampaignConfig:
    return CampaignConfig(public_url=PUBLIC_URL, kit_dir=tmp_path / "kits")


async def campaign_world(sessions: SessionFactory, fake: FakeTelegram) -> World:
    world = await build_world(sessions, fake)
    async with sessions() as session:
        await service.create_campaign(
            session, YEAR, CampaignConfig(), theme="Cities that listen", actor="test"
        )
    return world


def campaign_client(sessions: SessionFactory, tmp_path: Path) -> TestClient:
    app = console_app(sessions, tmp_path / "outbox")
    app[CAMPAIGN_CONFIG] = campaign_config(tmp_path)
    return TestClient(TestServer(app))


async def campaign_staff(
    sessions: SessionFactory,
    tmp_path: Path,
    role: StaffRole = StaffRole.editor,
    language: str = "en",
) -> Staff:
    """A started client with `role` signed in (close it with `await staff.client.close()`)."""
    return await start_signed_in(sessions, campaign_client(sessions, tmp_path), role, language)
