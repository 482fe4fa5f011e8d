"""What campaigns need from the settings, as plain values (built in app/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CampaignConfig:
    timezone: str = "Europe/Madrid"
    public_url: str = "http://127.0.0.1:8080"
    default_language: str = "en"
    files_dir: Path = Path("var/campaigns")  # where the report chart is written
    kit_dir: Path = Path("var/kits")  # where kits are published: <kit_dir>/<year>/, served

    def kit_url(self, year: int) -> str:
        return f"{self.public_url.rstrip('/')}/campaigns/{year}/kit/"
