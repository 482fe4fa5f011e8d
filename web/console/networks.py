"""Networks: the activity of every territorial and thematic network over a period (feed items,
bulletin features, consultations answered, cafés attended, poll votes, youth ideas), its last
sign of life and its trend, the quietest first (`engagement.activity.attention`); a chart, and
the CSV export of the same numbers. The cities are in `cities`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiohttp import web

from engagement.activity import KINDS, Activity
from engagement.activity_export import csv_text, network_rows
from engagement.activity_report import ActivityReport, activity_report
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.periods import PRESET_LABELS, PeriodChoice, asked_period
from web.console.requests import lang, render_page, sessions

routes = web.RouteTableDef()

KIND_LABELS = {
    "published": N_("Feed items"),
    "featured": N_("In bulletins"),
    "answered": N_("Consultations answered"),
    "attended": N_("Cafés attended"),
    "voted": N_("Poll votes"),
    "ideas": N_("Youth ideas"),
}
NETWORK_KIND_LABELS = {"territorial": N_("territorial"), "thematic": N_("thematic")}


@dataclass(frozen=True)
class Bar:
    """A bar of `_charts.bar_chart`."""

    label: str
    count: int
    share: float


def bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    top = max((count for _, count in pairs), default=0) or 1
    return [Bar(label, count, count / top) for label, count in pairs]


@lru_cache(maxsize=4096)
def _number(value: float, language: str) -> str:
    return i18n.number(value, language)


def period_context(request: web.Request, choice: PeriodChoice) -> dict[str, Any]:
    """What the period form and the tables need (counts repeat: their formatting is cached,
    which matters on a table of 500 cities)."""
    language = lang(request)
    return {
        "number": lambda value: _number(value, language),
        "choice": choice,
        "preset_labels": PRESET_LABELS,
        "kinds": [k.value for k in KINDS],
        "kind_labels": KIND_LABELS,
        "trend_of": trend_cell,
    }


def trend_cell(activity: Activity) -> dict[str, Any]:
    trend = activity.trend
    change = trend.change
    return {"direction": trend.direction, "change": abs(change) if change is not None else None}


async def report_for(request: web.Request, choice: PeriodChoice) -> ActivityReport:
    async with sessions(request)() as session:
        return await activity_report(session, choice.period)


@routes.get("/console/networks", name="console.networks")
@requires(Permission.read)
async def networks_page(request: web.Request) -> web.StreamResponse:
    choice = asked_period(request)
    report = await report_for(request, choice)
    language = lang(request)
    chart = bars([(n.name(language), n.activity.total) for n in report.networks])
    context = period_context(request, choice) | {
        "report": report,
        "chart": chart,
        "network_kind_labels": NETWORK_KIND_LABELS,
    }
    return await render_page(
        request, "networks.html", context, status=400 if choice.errors else 200
    )


def csv_response(text: str, name: str) -> web.Response:
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return web.Response(
        body=text.encode(),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"',
        },
    )


@routes.get("/console/networks/export.csv", name="console.networks.csv")
@requires(Permission.read)
async def networks_csv(request: web.Request) -> web.StreamResponse:
    choice = asked_period(request)
    if choice.errors:
        raise web.HTTPBadRequest(text="\n".join(choice.errors.values()))
    report = await report_for(request, choice)
    return csv_response(csv_text(network_rows(report.networks, report.period)), "networks")
