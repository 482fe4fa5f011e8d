"""The bulletin service's configuration, built from the settings (shared by CLI, jobs and web)."""

from __future__ import annotations

from app.settings import Settings
from newsletter.editions.service import BulletinConfig
from web.public.archive import ArchiveConfig


def bulletin_config(settings: Settings) -> BulletinConfig:
    return BulletinConfig(public_url=settings.public_url, timezone=settings.timezone)


def archive_config(settings: Settings) -> ArchiveConfig:
    return ArchiveConfig(
        public_url=settings.public_url,
        default_language=settings.default_language,
        timezone=settings.timezone,
    )
