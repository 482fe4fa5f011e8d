"""Cities: each member city's activity over a period, the quietest first, with its CSV export;
and a city's page: its networks, its activity per month (a chart) and its whole history, newest
first, a page at a time."""

from __future__ import annotations

from aiohttp import web
from babel.dates import format_date

from engagement.activity import Kind
from engagement.activity_export import city_rows, csv_text
from engagement.city_history import city_history, city_months
from storage import activity_queries
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.networks import KIND_LABELS, bars, csv_response, period_context, report_for
from web.console.periods import asked_period
from web.console.requests import lang, path_id, render_page, sessions, zone

routes = web.RouteTableDef()
LONGEST_PAGE = 10_000
EVENT_LABELS = {
    "published": N_("Published on its feed"),
    "answered": N_("Answered a consultation"),
    "attended": N_("Attended a café"),
    "voted": N_("Voted in a poll"),
    "ideas": N_("Youth idea sent"),
}


@routes.get("/console/cities", name="console.cities")
@requires(Permission.read)
async def cities_page(request: web.Request) -> web.StreamResponse:
    choice = asked_period(request)
    report = await report_for(request, choice)
    network = request.query.get("network", "")[:64]
    shown = [c for c in report.cities if not network or network in c.networks]
    networks = [(n.slug, n.name(lang(request))) for n in report.networks]
    context = period_context(request, choice) | {
        "report": report,
        "cities": shown,
        "network": network,
        "networks": sorted(networks, key=lambda pair: pair[1].casefold()),
    }
    return await render_page(request, "cities.html", context, status=400 if choice.errors else 200)


@routes.get("/console/cities/export.csv", name="console.cities.csv")
@requires(Permission.read)
async def cities_csv(request: web.Request) -> web.StreamResponse:
    choice = asked_period(request)
    if choice.errors:
        raise web.HTTPBadRequest(text="\n".join(choice.errors.values()))
    report = await report_for(request, choice)
    return csv_response(csv_text(city_rows(report.cities, report.period)), "cities")


def _page(request: web.Request) -> int:
    """The history page asked for; 1 for anything that is not a page number."""
    value = request.query.get("page", "1")
    number = int(value) if value.isdigit() and len(value) <= 6 else 1
    return number if 0 < number <= LONGEST_PAGE else 1


@routes.get("/console/cities/{id}", name="console.city")
@requires(Permission.read)
async def city_page(request: web.Request) -> web.StreamResponse:
    city_id = path_id(request)
    language = lang(request)
    async with sessions(request)() as session:
        city = await activity_queries.city(session, city_id)
        if city is None:
            raise web.HTTPNotFound()
        history = await city_history(session, city_id, language, _page(request))
        months, kinds = await city_months(session, city_id, utcnow(), zone(request))
        networks = [n.name(language) for n in city.networks]
    context = period_context(request, asked_period(request)) | {
        "city": city,
        "city_networks": sorted(networks, key=str.casefold),
        "history": history,
        "months": months,
        "month_total": sum(count for _, count in months),
        "month_top": max((count for _, count in months), default=0),
        "year_kinds": kinds,
        "kind_bars": bars([(k, kinds.get(Kind(k), 0)) for k in EVENT_LABELS]),
        "translated_kinds": {k: i18n.lgettext(language, KIND_LABELS[k]) for k in EVENT_LABELS},
        "event_labels": EVENT_LABELS,
        "month_label": lambda start, pattern="LLLL y": format_date(start, pattern, locale=language),
    }
    return await render_page(request, "city.html", context)
