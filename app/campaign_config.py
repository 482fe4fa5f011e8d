"""The campaign configuration, built from the settings (shared by the CLI and the job)."""

from __future__ import annotations

from app.settings import Settings
from campaigns.config import CampaignConfig


def campaign_config(settings: Settings) -> CampaignConfig:
    """The report chart is written next to the outbox (var/campaigns by default)."""
    return CampaignConfig(
        timezone=settings.timezone,
        public_url=settings.public_url,
        default_language=settings.default_language,
        files_dir=settings.outbox_dir.parent / "campaigns",
        kit_dir=settings.kit_dir,
    )
