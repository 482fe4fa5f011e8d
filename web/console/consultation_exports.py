"""A consultation's submitted responses as CSV (the file `aive consultations export` writes:
shared/CONTRACT.md) and as an XLSX workbook (the same rows, numbers as numbers, and a sheet of
results)."""

from __future__ import annotations

import io

from aiohttp import web

from engagement.consultations import export, export_xlsx, reports
from engagement.consultations.response_access import definition_of
from storage import consultations_queries as q
from web.console.access import Permission, requires
from web.console.requests import lang, path_id, sessions

routes = web.RouteTableDef()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: web.Response, filename: str) -> web.Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/console/consultations/{id}/export.csv", name="console.consultation.csv")
@requires(Permission.read)
async def export_csv(request: web.Request) -> web.StreamResponse:
    consultation_id = path_id(request)
    async with sessions(request)() as session:
        consultation = await q.get_consultation(session, consultation_id)
        slug = consultation.slug
        table = await reports.export_table(session, consultation_id)
    buffer = io.StringIO()
    export.write_csv(table, buffer)
    response = web.Response(body=buffer.getvalue().encode(), content_type="text/csv")
    response.charset = "utf-8"
    return _attachment(response, f"{slug}.csv")


@routes.get("/console/consultations/{id}/export.xlsx", name="console.consultation.xlsx")
@requires(Permission.read)
async def export_workbook(request: web.Request) -> web.StreamResponse:
    consultation_id = path_id(request)
    async with sessions(request)() as session:
        consultation = await q.get_consultation(session, consultation_id)
        slug, definition = consultation.slug, definition_of(consultation)
        table = await reports.export_table(session, consultation_id)
        results = await reports.consultation_results(session, consultation_id, lang=lang(request))
    body = export_xlsx.workbook(definition, table, results)
    return _attachment(web.Response(body=body, content_type=XLSX), f"{slug}.xlsx")
