"""Subscribers as CSV for staff, safe to open in a spreadsheet.

The columns are those the import reads (CONTRACT.md), plus status and dates, so an export can be
imported elsewhere. A cell that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) gets a leading apostrophe (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import record
from storage.subscribers import Subscriber
from storage.subscribers_queries import SubscriberFilter

HEADER = (
    "email",
    "name",
    "language",
    "networks",
    "status",
    "consent_source",
    "consented_at",
    "confirmed_at",
    "created_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _moment(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def row_of(s: Subscriber) -> list[str]:
    cells = [
        s.email,
        s.name or "",
        s.language,
        ";".join(s.networks),
        s.status.value,
        s.consent_source or "",
        _moment(s.consented_at),
        _moment(s.confirmed_at),
        _moment(s.created_at),
    ]
    return [formula_safe(c) for c in cells]


def _line(cells: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


async def csv_lines(subscribers: AsyncIterable[Subscriber]) -> AsyncIterator[str]:
    """The header, then one line per subscriber (streamed: an export of 100,000 is not held)."""
    yield _line(HEADER)
    async for subscriber in subscribers:
        yield _line(row_of(subscriber))


def record_export(session: AsyncSession, actor: str, filters: SubscriberFilter) -> None:
    """Who took a copy of the list, and which part (the caller commits)."""
    record(
        session,
        actor,
        "subscribers.csv_exported",
        None,
        filters={
            "q": filters.text,
            "status": filters.status.value if filters.status else None,
            "language": filters.language,
            "network": filters.network,
        },
    )
