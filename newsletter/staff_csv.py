"""Reading a CSV file staff give us (subscribers, member cities), once: the byte-order mark
dropped, the header's names trimmed and lower-cased, each row's cells trimmed, with the lines
where the row starts and ends (a quoted cell may span lines). Validation is the caller's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CsvRow:
    start: int  # the line where the row starts
    end: int  # the line where it ends
    cells: dict[str, str]  # by lower-cased column name, trimmed; "" when empty


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    start: int
    problem: str  # e.g. a field over csv.field_size_limit() (128 KiB)


@dataclass(frozen=True, slots=True)
class CsvFile:
    header: list[str]
    rows: Iterator[CsvRow | UnreadableRow]


def read_csv(text: str) -> CsvFile:
    """The header and the rows of `text`; rows come as they are read (blank ones skipped)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return CsvFile(header, _rows(reader))


def _rows(reader: csv.DictReader[str]) -> Iterator[CsvRow | UnreadableRow]:
    records = iter(reader)
    while True:
        start = reader.line_num + 1
        try:
            record = next(records)
        except StopIteration:
            return
        except csv.Error as exc:
            yield UnreadableRow(start, str(exc))
            continue
        cells = {k: (v or "").strip() for k, v in record.items() if k is not None}
        yield CsvRow(start, reader.line_num, cells)


def split_list(value: str | None) -> tuple[str, ...]:
    """`a; b;;a` → (`a`, `b`): a semicolon-separated cell, trimmed, empties and repeats out."""
    parts = (p.strip() for p in (value or "").split(";"))
    return tuple(dict.fromkeys(p for p in parts if p))
