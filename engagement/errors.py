"""The root of the engagement domain's exception tree.

Every error the domain raises on purpose (a refused answer, a closed café, a staff file with
problems) derives from `EngagementError`; its message is one sentence for staff, and the
faces (bot, web, CLI) translate the ones a person meets into that person's language.
"""

from __future__ import annotations


class EngagementError(Exception):
    """Base of every error of consultations, polls, cafés, youth voice and staff files."""
