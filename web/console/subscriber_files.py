"""Subscribers in and out: the CSV import with its per-row report, and GDPR for one person
(their data as JSON; erasure keeping only a hash of the address, so a later import is refused
with the reason)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from aiohttp import web

from newsletter.subscriptions import gdpr, importing
from newsletter.subscriptions.confirmation import confirmation_message
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.requests import actor, lang, path_id, render_page, see_other, sessions, text
from web.console.subscribers import subscriber_view

routes = web.RouteTableDef()


@dataclass(frozen=True)
class Tokens:
    """What the confirmation link's signature needs (`TokenSettings`)."""

    public_url: str
    key: str

    def signing_key(self) -> str:
        return self.key


MAX_CSV_BYTES = 20 * 1024 * 1024
STAFF_IMPORT = "console import {name}, double opt-in"


async def _import_page(
    request: web.Request,
    *,
    report: importing.ImportReport | None = None,
    error: str | None = None,
    form: dict[str, object] | None = None,
    status: int = 200,
) -> web.Response:
    return await render_page(
        request,
        "subscriber_import.html",
        {"report": report, "error": error, "form": form or {}},
        status=status,
    )


@routes.get("/console/subscribers/import", name="console.subscribers.upload")
@requires(Permission.manage_subscribers)
async def import_form(request: web.Request) -> web.StreamResponse:
    return await _import_page(request)


@routes.post("/console/subscribers/import", name="console.subscribers.upload_file")
@requires(Permission.manage_subscribers)
async def import_file(request: web.Request) -> web.StreamResponse:
    """Add the good rows, report the others by line. Without "confirmed" the new subscribers
    stay pending and get the double opt-in email."""
    form = await request.post()
    upload = form.get("file")
    confirmed = text(form, "confirmed") == "yes"
    consent_source = text(form, "consent_source", 200).strip() or None
    values: dict[str, object] = {"confirmed": confirmed, "consent_source": consent_source or ""}
    if not isinstance(upload, web.FileField):
        error = i18n.lgettext(lang(request), "File: please choose a CSV file.")
        return await _import_page(request, error=error, form=values, status=422)
    data = upload.file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        error = i18n.lgettext(lang(request), "File: it is larger than 20 MB.")
        return await _import_page(request, error=error, form=values, status=413)
    try:
        csv_text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = i18n.lgettext(
            lang(request),
            "File: it is not UTF-8 text (byte %(byte)s); please save the CSV as UTF-8.",
            byte=exc.start,
        )
        return await _import_page(request, error=error, form=values, status=422)
    if confirmed and not consent_source and "consent_source" not in csv_text[:2000].lower():
        error = i18n.lgettext(
            lang(request),
            "Consent source: a confirmed import needs where and when they agreed.",
        )
        return await _import_page(request, error=error, form=values, status=422)
    config = console_config(request)
    name = (upload.filename or "file.csv")[:100]
    tokens = Tokens(config.public_url, config.signing_key)
    report = await importing.import_csv(
        sessions(request),
        csv_text,
        file_name=name,
        languages=i18n.LANGUAGES,
        default_language=config.default_language,
        confirmed=confirmed,
        consent_source=consent_source,
        confirmations=importing.Confirmations(config.mailer, partial(confirmation_message, tokens)),
        actor=actor(request),
        now=utcnow(),
    )
    if not confirmed:
        values |= {
            "confirmations_sent": report.confirmations_sent,
            "mail_failures": report.mail_failures,
        }
    return await _import_page(request, report=report, form=values)


@routes.post("/console/subscribers/{id:[0-9]+}/export", name="console.subscriber.export")
@requires(Permission.manage_subscribers)
async def export_person(request: web.Request) -> web.StreamResponse:
    """Everything we hold about one person, as a JSON file (the export is audited)."""
    subscriber_id = path_id(request)
    async with sessions(request)() as session:
        try:
            document = await gdpr.export_person(session, subscriber_id, actor(request), utcnow())
        except gdpr.NotFound:
            raise web.HTTPNotFound() from None
        await session.commit()
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return web.Response(
        text=body,
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="subscriber-{subscriber_id}.json"'},
    )


@routes.post("/console/subscribers/{id:[0-9]+}/erase", name="console.subscriber.erase")
@requires(Permission.manage_subscribers)
async def erase_person(request: web.Request) -> web.StreamResponse:
    """Erase one person; the form's confirmation box must be ticked."""
    subscriber_id = path_id(request)
    form = await request.post()
    if text(form, "confirm") != "yes":
        errors = {
            "erase": i18n.lgettext(lang(request), "Please tick the box to confirm the erasure.")
        }
        return await subscriber_view(request, subscriber_id, errors=errors, status=422)
    async with sessions(request)() as session:
        try:
            await gdpr.erase_person(session, subscriber_id, actor(request), utcnow())
        except gdpr.NotFound:
            raise web.HTTPNotFound() from None
        await session.commit()
    raise see_other("/console/subscribers", "erased")
