"""pydantic's validation errors as Problems, in our words (shared by consultations and polls).

A validator says why a value is wrong by raising `InvalidValue` with an N_-marked template;
`format_errors` turns each error of a ValidationError into a `path: reason` Problem, with our
words for pydantic's common error types so the bot can translate them.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from engagement.problems import N_, Problem


class InvalidValue(ValueError):
    """A validator's reason: an N_-marked template and its values (`format_errors` makes it a
    Problem, so the bot can translate it)."""

    def __init__(self, reason: str, values: Mapping[str, object] | None = None) -> None:
        self.reason = reason
        self.values = dict(values or {})
        super().__init__(reason.format(**self.values))


_DATETIME = N_("must be a date and time such as 2026-11-01T09:00:00+01:00")
_MESSAGES = {  # pydantic's error types, in our words (N_-marked templates)
    "missing": N_("missing"),
    "extra_forbidden": N_("unknown field"),
    "timezone_aware": N_("must include a UTC offset, e.g. 2026-11-01T09:00:00+01:00"),
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "string_type": N_("must be text"),
    "dict_type": N_("must be a mapping"),
    "model_type": N_("must be a mapping"),
    "model_attributes_type": N_("must be a mapping"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "too_short": N_("must not be empty"),
}


def format_errors(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """pydantic's errors as problems; a message of pydantic we have no words for stays
    English (plain text, not translated)."""
    problems: list[Problem] = []
    for error in exc.errors():
        path = prefix
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif not str(part).startswith(("function-after", "constrained")):
                path += f".{part}" if path else str(part)
        path = path or "(document)"
        kind, context = error["type"], error.get("ctx", {})
        if kind == "enum":
            expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
            problems.append(Problem(path, N_("must be one of {choices}"), {"choices": expected}))
        elif kind == "value_error" and isinstance(invalid := context.get("error"), InvalidValue):
            problems.append(Problem(path, invalid.reason, invalid.values))
        elif kind == "value_error":
            problems.append(Problem(path, str(error["msg"]).removeprefix("Value error, "), None))
        elif kind in _MESSAGES:
            problems.append(Problem(path, _MESSAGES[kind]))
        else:
            problems.append(Problem(path, str(error["msg"]), None))
    return problems
