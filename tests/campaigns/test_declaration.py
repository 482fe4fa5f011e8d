"""The declaration keeps every version: the CLI's saves (no editor, no expected version) add
versions too, and nothing is overwritten silently."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns import declaration, service
from campaigns.config import CampaignConfig
from campaigns.errors import StepTimePassed
from storage.base import utcnow
from storage.engine import SessionFactory

YEAR = 2031


async def test_every_save_from_any_face_adds_a_version(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await service.create_campaign(session, YEAR, CampaignConfig(), actor="test")
        await service.set_declaration(session, YEAR, "en", "First.", actor="cli")
        await service.set_declaration(session, YEAR, "en", "  Second.\r\n", actor="cli")
        campaign = await service.get_campaign(session, YEAR)
        found = await declaration.versions(session, campaign, "en")
    assert [(v.number, v.text, v.saved_by) for v in found] == [
        (2, "Second.", "cli"),
        (1, "First.", "cli"),
    ]
    assert campaign.declaration == {"en": "Second."}


@pytest.mark.parametrize(
    ("lang", "text", "error"),
    [
        ("de", "Hallo.", declaration.UnknownLanguage),
        ("en", " \n ", declaration.EmptyDeclaration),
        ("en", "x" * (declaration.MAX_LENGTH + 1), declaration.DeclarationTooLong),
    ],
)
async def test_what_cannot_be_a_declaration_is_refused(
    sessions: SessionFactory, lang: str, text: str, error: type[Exception]
) -> None:
    async with sessions() as session:
        await service.create_campaign(session, YEAR, CampaignConfig(), actor="test")
        with pytest.raises(error):
            await service.set_declaration(session, YEAR, lang, text, actor="cli")


async def test_a_save_from_an_older_version_is_refused(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await service.create_campaign(session, YEAR, CampaignConfig(), actor="test")
        await service.set_declaration(session, YEAR, "es", "Uno.", actor="a", expected=0)
        await service.set_declaration(session, YEAR, "es", "Dos.", actor="b", expected=1)
        with pytest.raises(declaration.DeclarationChanged) as refused:
            await service.set_declaration(session, YEAR, "es", "Mío.", actor="a", expected=1)
    assert refused.value.current == 2


async def test_a_step_is_not_moved_to_a_time_that_has_passed(sessions: SessionFactory) -> None:
    now = utcnow()
    async with sessions() as session:
        await service.create_campaign(session, YEAR, CampaignConfig(), actor="test")
        with pytest.raises(StepTimePassed):
            await service.move_step(
                session, YEAR, "d-10", now - timedelta(hours=1), actor="console", now=now
            )
