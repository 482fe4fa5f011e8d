"""`aive campaign`: the timeline commands and the Day's own (declaration, report, kit)."""

from __future__ import annotations

from app.cli import campaign, campaign_day

campaign.app.add_typer(campaign_day.app)
app = campaign.app
