"""Certificates of attendance after a café: download one participant's PDF (in their language),
or send it through the bot or by email (`engagement.cafes.certificates`)."""

from __future__ import annotations

from aiohttp import web

from engagement.cafes.certificates import (
    CannotReach,
    CertificateFile,
    Channel,
    NoCertificate,
    certificate_file,
    send_certificate,
)
from newsletter.subscriptions.mailer import MailerError
from storage.base import utcnow
from storage.errors import NotFound
from web.console import i18n
from web.console.access import Permission, requires
from web.console.cafes import cafe_view
from web.console.config import console_config
from web.console.navigation import N_
from web.console.requests import actor, lang, path_id, see_other, sessions, text

routes = web.RouteTableDef()
UNREACHABLE = {
    Channel.bot: N_("This person has no chat with the bot."),
    Channel.email: N_("This person has no email address."),
}
BASE = "/console/cafes/{id:[0-9]+}/certificates/{person:[0-9]+}"


async def _certificate(request: web.Request) -> CertificateFile:
    """The certificate the path names; 404 when there is no such café or participant."""
    config = console_config(request)
    async with sessions(request)() as session:
        try:
            return await certificate_file(
                session,
                path_id(request),
                path_id(request, "person"),
                now=utcnow(),
                default_language=config.default_language,
                default_timezone=config.zone.key,
            )
        except (NotFound, NoCertificate):
            raise web.HTTPNotFound() from None


@routes.get(BASE + ".pdf", name="console.cafes.certificate")
@requires(Permission.read)
async def download(request: web.Request) -> web.StreamResponse:
    found = await _certificate(request)
    response = web.Response(body=found.data, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.post(BASE + "/send", name="console.cafes.certificate.send")
@requires(Permission.run_cafes)
async def send(request: web.Request) -> web.StreamResponse:
    cafe_id = path_id(request)
    try:
        channel = Channel(text(await request.post(), "channel", 8))
    except ValueError:
        raise web.HTTPNotFound() from None
    found = await _certificate(request)
    try:
        async with sessions(request)() as session:
            await send_certificate(
                session, found, channel, mailer=console_config(request).mailer, actor=actor(request)
            )
    except CannotReach:
        error = i18n.lgettext(lang(request), UNREACHABLE[channel])
        return await cafe_view(request, cafe_id, errors={"certificates": error}, status=409)
    except MailerError as exc:
        return await cafe_view(
            request, cafe_id, errors={"certificates": i18n.English(exc)}, status=502
        )
    raise see_other(f"/console/cafes/{cafe_id}", f"sent_{channel.value}")
