"""Subscribers: search by address or name with filters (status, language, network), one
subscriber's page (consent, preferences, history from the audit log, deliveries), and the CSV
export. Import is in `subscriber_import`, GDPR export and erasure in `subscriber_gdpr`."""

from __future__ import annotations

from aiohttp import web

from newsletter.subscriptions.export_csv import csv_lines, record_export
from newsletter.subscriptions.service import network_names
from storage import subscribers_queries as queries
from storage.base import utcnow
from storage.subscribers import Subscriber, SubscriberStatus
from storage.subscribers_queries import SubscriberFilter
from web.console import i18n
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.requests import actor, lang, notice, path_id, render_page, sessions

routes = web.RouteTableDef()
PAGE_SIZE = 50
NOTICES = {"erased": N_("Erased. Only a hash of the address is kept, to refuse re-imports.")}
STATUS_LABELS = {
    "pending": N_("pending"),
    "confirmed": N_("confirmed"),
    "unsubscribed": N_("unsubscribed"),
    "bounced": N_("bounced"),
    "complained": N_("complained"),
}


def wanted(request: web.Request) -> SubscriberFilter:
    """The filters of the query string; an unknown value filters nothing rather than failing."""
    query = request.query
    status = query.get("status", "")
    language = query.get("language", "")
    return SubscriberFilter(
        text=query.get("q", "")[:200],
        status=SubscriberStatus(status) if status in STATUS_LABELS else None,
        language=language if language in i18n.LANGUAGES else None,
        network=query.get("network", "")[:64] or None,
    )


def _before(request: web.Request) -> int | None:
    value = request.query.get("before", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@routes.get("/console/subscribers", name="console.subscribers")
@requires(Permission.read)
async def subscribers_page(request: web.Request) -> web.StreamResponse:
    filters = wanted(request)
    async with sessions(request)() as session:
        found, next_before = await queries.search_subscribers(
            session, filters, limit=PAGE_SIZE, before_id=_before(request)
        )
        networks = await network_names(session, lang(request))
    query = {k: v for k, v in request.query.items() if k in ("q", "status", "language", "network")}
    return await render_page(
        request,
        "subscribers.html",
        {
            "subscribers": found,
            "next_before": next_before,
            "filters": filters,
            "query": query,
            "status_labels": STATUS_LABELS,
            "networks": networks,
            "notice": notice(request, NOTICES),
        },
        block="results",
    )


@routes.get("/console/subscribers/export.csv", name="console.subscribers.csv")
@requires(Permission.manage_subscribers)
async def export_csv(request: web.Request) -> web.StreamResponse:
    """Every subscriber matching the filters, streamed; cells safe to open in a spreadsheet."""
    filters = wanted(request)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="subscribers-{stamp}.csv"',
        }
    )
    await response.prepare(request)
    async with sessions(request)() as session:
        buffer: list[str] = []
        async for line in csv_lines(queries.stream_subscribers(session, filters)):
            buffer.append(line)
            if len(buffer) >= 500:
                await response.write("".join(buffer).encode())
                buffer.clear()
        await response.write("".join(buffer).encode())
        record_export(session, actor(request), filters)
        await session.commit()
    await response.write_eof()
    return response


async def subscriber_view(
    request: web.Request,
    subscriber_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    async with sessions(request)() as session:
        subscriber = await session.get(Subscriber, subscriber_id)
        if subscriber is None:
            raise web.HTTPNotFound()
        history = await queries.subscriber_history(session, f"subscriber:{subscriber.id}")
        deliveries = await queries.subscriber_deliveries(session, subscriber.id)
        networks = dict(await network_names(session, lang(request)))
    return await render_page(
        request,
        "subscriber.html",
        {
            "subscriber": subscriber,
            "history": history,
            "deliveries": deliveries,
            "network_names": networks,
            "status_labels": STATUS_LABELS,
            "errors": errors or {},
        },
        status=status,
    )


@routes.get("/console/subscribers/{id:[0-9]+}", name="console.subscriber")
@requires(Permission.read)
async def subscriber_page(request: web.Request) -> web.StreamResponse:
    return await subscriber_view(request, path_id(request))
