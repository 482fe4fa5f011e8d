"""The audit log: filter by person, object, face and date; a formula-safe CSV export of the
same filter. Times in the secretariat's timezone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from engagement.spreadsheet import csv_text
from storage import audit_queries, staff_queries
from storage.audit import FACES
from storage.audit_queries import AuditFilter
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.rendering import render

routes = web.RouteTableDef()
PAGE = 100
CSV_COLUMNS = (
    "id",
    "at_utc",
    "actor",
    "face",
    "ip",
    "action",
    "subject",
    "before",
    "after",
    "details",
)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_filter(request: web.Request) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the query string asks for (dates are days in the secretariat's timezone),
    and the form's values to show again."""
    query = request.query
    zone = console_config(request).zone
    since, until = _day(query.get("from")), _day(query.get("to"))
    face = query.get("face") or None
    where = AuditFilter(
        actor=(query.get("actor") or "").strip() or None,
        subject=(query.get("subject") or "").strip() or None,
        face=face if face in set(FACES.values()) else None,
        since=datetime.combine(since, time(), zone) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), zone) if until else None,
    )
    shown = {
        "actor": where.actor or "",
        "subject": where.subject or "",
        "face": where.face or "",
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    return where, shown


@routes.get("/console/audit", name="console.audit")
@requires(Permission.read_audit)
async def audit_page(request: web.Request) -> web.StreamResponse:
    where, shown = audit_filter(request)
    try:
        before_id = int(request.query["before"]) if "before" in request.query else None
    except ValueError:
        before_id = None
    async with console_config(request).sessions() as session:
        events = await audit_queries.audit_page(session, where, PAGE + 1, before_id)
        actors = await audit_queries.audit_actors(session)
        names = {
            f"staff:{m.id}": m.name or m.email or ""
            for m in await staff_queries.list_staff(session)
        }
    more = len(events) > PAGE
    events = events[:PAGE]
    context: dict[str, Any] = {
        "events": events,
        "shown": shown,
        "actors": actors,
        "names": names,
        "faces": sorted(set(FACES.values())),
        "older": events[-1].id if more and events else None,
        "query": urlencode({k: v for k, v in shown.items() if v}),
    }
    return await render(request, "audit.html", context, block="results")


@routes.get("/console/audit.csv", name="console.audit_csv")
@requires(Permission.read_audit)
async def audit_csv(request: web.Request) -> web.StreamResponse:
    where, _shown = audit_filter(request)
    async with console_config(request).sessions() as session:
        events = await audit_queries.audit_export(session, where)
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    rows += [
        [
            e.id,
            e.at.isoformat(),
            e.actor,
            e.face or "",
            e.ip or "",
            e.action,
            e.subject or "",
            "" if e.before is None else _json(e.before),
            "" if e.after is None else _json(e.after),
            _json(e.details) if e.details else "",
        ]
        for e in events
    ]
    response = web.Response(
        body=("\ufeff" + csv_text(rows)).encode(), content_type="text/csv", charset="utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="aive-audit.csv"'
    return response


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
