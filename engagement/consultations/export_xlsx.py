"""The export as an XLSX workbook (openpyxl): the sheet `responses` holds the rows of the CSV
(`export.table`, same columns), numbers as numbers; the sheet `results` the counts per option
and the averages. Every text cell is written as text, so a typed `=1+1` stays an answer and
never becomes a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from engagement.consultations.results import Results
from engagement.consultations.schema import Definition, QuestionType

RESULT_COLUMNS = ("question", "type", "answered", "option", "text", "count", "percent")
AVERAGE_COLUMNS = ("average", "minimum", "maximum")


def _cell(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def _number(value: str) -> float | int | str:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def workbook(definition: Definition, table: Sequence[Sequence[str]], results: Results) -> bytes:
    """The workbook's bytes: `table` as `export.table` returns it, then the results."""
    book = Workbook(write_only=True)
    responses = book.create_sheet("responses")
    numeric = {
        q.id for q in definition.questions if q.type in (QuestionType.scale, QuestionType.number)
    }
    header = list(table[0]) if table else []
    for index, row in enumerate(table):
        values: list[object] = list(row)
        if index:
            values = [
                _number(v) if (i == 0 or header[i] in numeric) and v else v
                for i, v in enumerate(row)
            ]
        responses.append([_cell(responses, v) for v in values])
    summary = book.create_sheet("results")
    summary.append([_cell(summary, c) for c in (*RESULT_COLUMNS, *AVERAGE_COLUMNS)])
    for question in results.questions:
        start = [question.id, question.type, question.answered]
        for option in question.options:
            line = [*start, option.id, option.text, option.count, option.percent]
            summary.append([_cell(summary, v) for v in line])
        if question.average is not None:
            line = [*start, "", question.text, None, None]
            line += [question.average, question.minimum, question.maximum]
            summary.append([_cell(summary, v) for v in line])
        elif not question.options:
            summary.append([_cell(summary, v) for v in [*start, "", question.text]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
