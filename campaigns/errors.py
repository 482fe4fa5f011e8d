"""The campaign package's errors: one sentence each, for staff. `CampaignError` is the root
(the kit's `KitError` and the timeline's `TimelineError` derive from it too)."""

from __future__ import annotations


class CampaignError(Exception):
    """Something staff asked cannot be done (no campaign, a step already launched, …)."""


class DayPassed(CampaignError):
    """The year's Day is over: its campaign could only send late, so it is not created."""


class StepTimePassed(CampaignError):
    """A step cannot be moved to a time that has passed (the scheduler would never send it)."""
