"""The polls exception tree."""

from __future__ import annotations

from engagement.problems import ProblemsError


class PollError(Exception):
    """Base of every error about polls."""


class PollDefinitionError(ProblemsError, PollError):
    """A poll file is invalid: `problems`, and `errors` with one `path: reason` line per
    problem."""
