"""The polls exception tree."""

from __future__ import annotations

from collections.abc import Sequence


class PollError(Exception):
    """Base of every error about polls."""


class PollDefinitionError(PollError):
    """A poll file is invalid; `errors` holds one `path: reason` line per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))
