"""CSV files that spreadsheets open as data, never as formulas (OWASP "CSV injection").

Every cell is quoted, so a reader whose locale splits on `;` (es, ca, fr, pt) still sees one
cell; and a formula start (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading apostrophe
both at the start of a cell and after any separator a spreadsheet may split on (`,`, `;`, tab),
so `Vila;=1+1` is written `Vila;'=1+1`. A negative number typed as text becomes `'-3`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# a formula start at the beginning of the cell or right after a separator
_FORMULA = re.compile(r"(^|[,;\t])(?=[=+\-@\t\r])")


def defuse(text: str) -> str:
    """`text` with an apostrophe before every formula start a spreadsheet could see."""
    return _FORMULA.sub(lambda m: m.group(1) + "'", text)


def write_rows(rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """RFC 4180 with CRLF line ends, every cell quoted and defused."""
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerows([defuse("" if cell is None else str(cell)) for cell in row] for row in rows)


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    write_rows(rows, buffer)
    return buffer.getvalue()
