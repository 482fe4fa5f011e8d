"""What is wrong in a file staff wrote (a consultation, poll or café YAML): where, and what.

`str(problem)` is the English line the command line prints, `path: reason` (e.g.
`questions[2].options: missing`, the format ../shared/CONTRACT.md fixes); the bot shows
`problem.translated(gettext)`, the same line in the staff member's language. A reason is a
template marked with `N_` (catalog domain `definitions`) whose `{fields}` are filled from
`values`: data from the file, never translated.

Every staff file is read by `load_yaml`: PyYAML's safe loader without aliases (a 500-byte
"billion laughs" would expand to gigabytes) and with at most `MAX_DEPTH` levels of nesting
(deeper documents would exhaust Python's recursion).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml


def N_(message: str) -> str:  # gettext's name for "mark now, translate when shown"
    return message


@dataclass(frozen=True)
class Problem:
    path: str  # where in the file: "speakers[0].name", "yaml: line 3", "" for the whole file
    reason: str  # an N_-marked template, or plain text when `values` is None
    values: Mapping[str, object] | None = field(default_factory=dict)

    @classmethod
    def plain(cls, line: str) -> Problem:
        """A line that is already written out (not translated)."""
        return cls("", line, None)

    def __str__(self) -> str:
        return self._line(self.reason)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The line with its reason in the language of `gettext`."""
        return self._line(self.reason if self.values is None else gettext(self.reason))

    def _line(self, reason: str) -> str:
        text = reason if self.values is None else reason.format(**self.values)
        return f"{self.path}: {text}" if self.path else text


def yaml_problem(exc: yaml.YAMLError, where: str = "yaml") -> Problem:
    """Where a YAML document stops parsing (`yaml: line 3, column 5`) with PyYAML's own reason
    (English: it comes from the parser)."""
    mark = getattr(exc, "problem_mark", None)
    at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
    return Problem(f"{where}: {at}", getattr(exc, "problem", None) or str(exc), None)


class ProblemsError(Exception):
    """A file with problems: `problems` (to translate), `errors` (their English lines)."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = [p if isinstance(p, Problem) else Problem.plain(p) for p in problems]
        self.errors = [str(p) for p in self.problems]
        super().__init__("\n".join(self.errors))


MAX_DEPTH = 50


def load_yaml(source: str, where: str = "yaml") -> Any:
    """The YAML document in `source`, read safely (no aliases, at most `MAX_DEPTH` levels).

    Raises ProblemsError with one problem at `where: line L, column C`: PyYAML's reason for a
    syntax error, ours (translated) for an alias or nesting too deep.
    """
    loader = _StaffFileLoader(source)
    try:
        return loader.get_single_data()
    except _Refused as refused:
        mark = refused.mark
        at = f"{where}: line {mark.line + 1}, column {mark.column + 1}" if mark else where
        raise ProblemsError([Problem(at, refused.reason, refused.values)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([yaml_problem(exc, where)]) from None
    finally:
        loader.dispose()


class _Refused(Exception):
    def __init__(self, mark: Any, reason: str, values: Mapping[str, object]) -> None:
        super().__init__(reason)
        self.mark, self.reason, self.values = mark, reason, values


class _StaffFileLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and nesting deeper than MAX_DEPTH while composing,
    before anything is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            reason = N_("aliases (*{name}) are not allowed: write the value out")
            raise _Refused(event.start_mark, reason, {"name": event.anchor})
        if self._depth >= MAX_DEPTH:
            reason = N_("nested deeper than {limit} levels")
            raise _Refused(event.start_mark, reason, {"limit": MAX_DEPTH})
        self._depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[no-untyped-call]
        finally:
            self._depth -= 1
