"""Networks: the activity of every territorial and thematic network over a period (feed items,
bulletin features, consultations answered, cafés attended, poll votes, youth ideas), its last
sign of life and its trend, the quietest first (`engagement.activity.attention`); a chart, and
the CSV export of the same numbers. The cities are in `cities`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiohttp import web
from babel.dates import format_date

from engagement.activity import KINDS, Activity
from engagement.activity_export import csv_text, network_rows
from engagement.activity_report import ActivityReport, activity_report
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.clock import when_in
from web.console.navigation import N_
from web.console.periods import PRESET_LABELS, PeriodChoice, asked_period
from web.console.requests import lang, render_page, sessions, zone

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


# counts and changes repeat across 500 rows, and Babel formats slowly: formatted once each
@lru_cache(maxsize=4096)
def _number(value: float, language: str) -> str:
    return i18n.number(value, language)


@lru_cache(maxsize=4096)
def _percent(value: float, language: str) -> str:
    return i18n.percent(value, language)


@dataclass(frozen=True)
class Cells:
    """A table row's activity, formatted once in Python (a macro per cell is slow with 500
    rows): the counts by kind then the total, the trend and the last sign of life."""

    counts: list[str]
    trend: str
    trend_class: str
    last: str


TREND_CLASSES = {"up": "good", "new": "good", "down": "bad", "flat": "", "none": "muted"}


def trend_text(activity: Activity, language: str) -> str:
    trend = activity.trend
    change = _percent(round(abs(trend.change), 3), language) if trend.change is not None else ""
    texts = {
        "up": lambda: "↑ " + i18n.lgettext(language, "up %(change)s", change=change),
        "down": lambda: "↓ " + i18n.lgettext(language, "down %(change)s", change=change),
        "flat": lambda: i18n.lgettext(language, "steady"),
        "new": lambda: i18n.lgettext(language, "new"),
        "none": lambda: "—",
    }
    return texts[trend.direction]()


def cells_of(activity: Activity, language: str, when: Callable[..., str]) -> Cells:
    counts = [_number(activity.count(k), language) for k in KINDS]
    last = activity.last_sign_of_life
    return Cells(
        [*counts, _number(activity.total, language)],
        trend_text(activity, language),
        TREND_CLASSES[activity.trend.direction],
        when(last, "short") if last else i18n.lgettext(language, "never"),
    )


def period_context(request: web.Request, choice: PeriodChoice) -> dict[str, Any]:
    """What the period form and the tables need."""
    language = lang(request)
    when = when_in(language, zone(request))
    return {
        "number": lambda value: _number(value, language),
        "choice": choice,
        "preset_labels": PRESET_LABELS,
        "kinds": [k.value for k in KINDS],
        "kind_labels": KIND_LABELS,
        "cells_of": lambda activity: cells_of(activity, language, when),
        "day": lambda value: format_date(value, "medium", locale=language),
    }


async def report_for(request: web.Request, choice: PeriodChoice) -> ActivityReport:
    async with sessions(request)() as session:
        return await activity_report(session, choice.period)


@routes.get("/console/networks", name="console.networks")
@requires(Permission.read)
async def networks_page(request: web.Request) -> web.StreamResponse:
    choice = asked_period(request)
    report = await report_for(request, choice)
    # slugs: the names are long and alike ("… Network of Educating Cities")
    chart = bars([(n.slug, n.activity.total) for n in report.networks])
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
