"""The export CSV (shared/CONTRACT.md): one row per submitted response, RFC 4180 quoting.

Columns: response_id, city, country, language, submitted_at, then one per question id, holding
option ids (several joined with `;`), numbers, or the text typed; last `channel`, the face of
the response's last change (`bot` or `web`). Written through
`engagement.spreadsheet`: every cell quoted, formulas defused (a negative number typed as an
answer is exported as `'-3`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from engagement import spreadsheet
from engagement.consultations.schema import Definition

FIXED_COLUMNS = ("response_id", "city", "country", "language", "submitted_at")
CHANNEL_COLUMN = "channel"


@dataclass(frozen=True)
class ExportRow:
    response_id: int
    city: str
    country: str
    language: str
    submitted_at: datetime
    answers: Mapping[str, Any]
    channel: str = "bot"


def header(definition: Definition) -> list[str]:
    return [*FIXED_COLUMNS, *(q.id for q in definition.questions), CHANNEL_COLUMN]


def cell(value: Any) -> str:
    """An answer as a CSV cell: lists joined with `;`, whole floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table(definition: Definition, rows: Iterable[ExportRow]) -> list[list[str]]:
    """Header then one list of cells per response (defused when written)."""
    lines = [header(definition)]
    for row in rows:
        submitted = (
            row.submitted_at.astimezone(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z")
        )
        cells = [str(row.response_id), row.city, row.country, row.language, submitted]
        cells += [cell(row.answers.get(q.id)) for q in definition.questions]
        cells.append(row.channel)
        lines.append(cells)
    return lines


def write_csv(lines: Sequence[Sequence[str]], out: TextIO) -> None:
    """RFC 4180: CRLF line ends, every cell quoted and defused."""
    spreadsheet.write_rows(lines, out)
