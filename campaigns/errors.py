"""The campaign package's errors: one sentence each, for staff."""

from __future__ import annotations


class CampaignError(Exception):
    """Something staff asked cannot be done (no campaign, a step already launched, …)."""
