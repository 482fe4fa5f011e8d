"""The consultations exception tree."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from engagement.errors import EngagementError
from engagement.problems import ProblemsError


class ConsultationError(EngagementError):
    """Base of every error about consultations."""


class DefinitionError(ProblemsError, ConsultationError):
    """A consultation file is invalid: `problems`, and `errors` with one `path: reason` line
    per problem."""


class AnswerError(StrEnum):
    """Why an answer was refused; the bot translates the code (see `messages`)."""

    required = "required"
    unknown_option = "unknown_option"
    too_many_choices = "too_many_choices"
    out_of_range = "out_of_range"
    not_a_number = "not_a_number"
    not_a_whole_number = "not_a_whole_number"
    too_long = "too_long"
    not_skippable = "not_skippable"
    not_visible = "not_visible"
    incomplete = "incomplete"


class InvalidAnswer(ConsultationError):
    """An answer does not fit its question; `params` carry limits (min, max, max_length…)."""

    def __init__(self, code: AnswerError, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value} {params}" if params else code.value)


class ResponseRefused(ConsultationError):
    """The person may not answer now; `reason` is one of the `Refusal` codes."""

    def __init__(self, reason: Refusal) -> None:
        self.reason = reason
        super().__init__(reason.value)


class AnswersChanged(ConsultationError):
    """Someone saved the response since the caller read it (optimistic locking): nothing was
    saved; `changed` are the ids of the questions whose answers differ from what the caller
    saw, `version` the response's version now."""

    def __init__(self, changed: list[str], version: int) -> None:
        self.changed = changed
        self.version = version
        super().__init__(f"answers changed meanwhile: {', '.join(changed) or '(order)'}")


class Refusal(StrEnum):
    not_open = "not_open"
    closed = "closed"
    not_eligible = "not_eligible"
    no_city = "no_city"
    already_submitted = "already_submitted"
