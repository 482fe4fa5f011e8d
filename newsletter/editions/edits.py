"""The staff's edits of a draft as a YAML document (for `aive bulletin edit`): pure.

`dump_edits` writes the document staff edit in $EDITOR, with the draft's items as comments;
`parse_edits` reads it back and raises `EditsError` naming the first wrong field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from newsletter.editions.errors import EditsError

FIELDS = ("subject", "editorial", "pinned", "excluded", "order")
SUBJECT_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Edits:
    subject: str | None = None  # None: the default subject
    editorial: str | None = None
    pinned: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    order: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "editorial": self.editorial,
            "pinned": list(self.pinned),
            "excluded": list(self.excluded),
            "order": list(self.order),
        }


def dump_edits(edits: Edits, header: Sequence[str] = ()) -> str:
    """The YAML document; `header` lines (e.g. the draft's items) become comments."""
    comments = "".join(f"# {line}\n" for line in header)
    help_lines = (
        "# subject: empty for the default; editorial: the opening text (blank line = paragraph);\n"
        "# pinned: item ids always in, first; excluded: item ids never in; order: ids after pins\n"
    )
    body = yaml.safe_dump(
        edits.as_dict(), allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
    )
    return comments + help_lines + body


def parse_edits(text: str) -> Edits:
    """Read the document back; raises `EditsError` on YAML errors, unknown or wrong fields."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise EditsError("(document)", f"not valid YAML{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EditsError("(document)", f"must be a mapping with the fields {', '.join(FIELDS)}")
    for key in data:
        if key not in FIELDS:
            raise EditsError(str(key), f"unknown field (known: {', '.join(FIELDS)})")
    subject = _optional_text(data, "subject")
    if subject is not None and len(subject) > SUBJECT_LIMIT:
        raise EditsError("subject", f"must be at most {SUBJECT_LIMIT} characters")
    if subject is not None and "\n" in subject:
        raise EditsError("subject", "must be a single line")
    return Edits(
        subject=subject,
        editorial=_optional_text(data, "editorial"),
        pinned=_ids(data, "pinned"),
        excluded=_ids(data, "excluded"),
        order=_ids(data, "order"),
    )


def _optional_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EditsError(name, f"must be text (got {value!r})")
    return value.strip() or None


def _ids(data: dict[str, Any], name: str) -> tuple[int, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EditsError(name, f"must be a list of item ids (got {value!r})")
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int) or entry <= 0:
            raise EditsError(name, f"must be a list of item ids; {entry!r} is not an item id")
    return tuple(dict.fromkeys(value))
