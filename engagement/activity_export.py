"""The activity report as CSV tables (pure): one row per network or city, in the order of need of
attention, the same numbers the console's pages show. Column names are stable identifiers
(English), times are UTC ISO 8601, cells that a spreadsheet would run as formulas are defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from engagement.activity import KINDS, Activity, Period
from engagement.activity_report import CityActivity, NetworkActivity
from newsletter.subscriptions.export_csv import formula_safe

ACTIVITY_COLUMNS = [
    *(k.value for k in KINDS),
    "total",
    "previous_total",
    "last_sign_of_life",
    "attention",
]
NETWORK_COLUMNS = ["network", "kind", "cities", *ACTIVITY_COLUMNS, "period_start", "period_end"]
CITY_COLUMNS = ["city_id", "city", "country", "networks", *ACTIVITY_COLUMNS]
CITY_COLUMNS += ["period_start", "period_end"]


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _activity(activity: Activity, score: float) -> list[str]:
    trend = activity.trend
    counts = [str(activity.count(k)) for k in KINDS]
    last = moment(activity.last_sign_of_life)
    return [*counts, str(trend.current), str(trend.previous), last, f"{score:.1f}"]


def network_rows(rows: Iterable[NetworkActivity], period: Period) -> list[list[str]]:
    span = [moment(period.start), moment(period.end)]
    table = [NETWORK_COLUMNS]
    for n in rows:
        cells = [n.slug, n.kind.value, str(n.cities), *_activity(n.activity, n.score), *span]
        table.append([formula_safe(c) for c in cells])
    return table


def city_rows(rows: Iterable[CityActivity], period: Period) -> list[list[str]]:
    span = [moment(period.start), moment(period.end)]
    table = [CITY_COLUMNS]
    for c in rows:
        cells = [str(c.id), c.name, c.country, ";".join(c.networks)]
        cells += [*_activity(c.activity, c.score), *span]
        table.append([formula_safe(cell) for cell in cells])
    return table


def csv_text(table: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue()
