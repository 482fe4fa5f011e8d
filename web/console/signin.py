"""Signing in and out: the email magic link (the only way in on a fresh install, with
`aive staff login-link`), the Telegram Login Widget, sign out, sign out everywhere, and the
staff member's language."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from aiohttp import web

from newsletter.subscriptions.mailer import MailerError, TransactionalMessage
from storage import staff_queries
from storage.audit import record
from storage.base import utcnow
from web.console import i18n
from web.console.access import Permission, current_staff, public, requires
from web.console.config import console_config
from web.console.magic_links import issue_link, read_link, use_link
from web.console.rendering import page_language, render
from web.console.security import POLICY
from web.console.sessions import client_ip, end_session, start_session
from web.console.telegram_login import verified_telegram_id

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


def safe_next(value: object) -> str:
    """Where to go after signing in: a console path on this site, never elsewhere."""
    text = value if isinstance(value, str) else ""
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or not text.startswith("/console") or "\\" in text:
        return "/console/"
    return text


@routes.get("/console/sign-in", name="console.sign_in")
@public
async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if current_staff(request) is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    return await sign_in_form(request)


async def sign_in_form(
    request: web.Request, error: str | None = None, status: int = 200
) -> web.Response:
    """The sign-in page; with a bot token, Telegram's own login widget too (its script and
    frame are Telegram's: the page's policy allows those two and nothing else)."""
    config = console_config(request)
    bot = None
    if config.telegram_token and config.bot_username is not None:
        bot = await config.bot_username()
    context = {"next": safe_next(request.query.get("next")), "telegram_bot": bot, "error": error}
    response = await render(request, "sign_in.html", context, status=status)
    if bot:
        response.headers["Content-Security-Policy"] = POLICY.replace(
            "script-src 'self'", "script-src 'self' https://telegram.org"
        ).replace("frame-src 'self'", "frame-src 'self' https://oauth.telegram.org")
    return response


def over_limit(request: web.Request, *keys: str) -> bool:
    limiter = console_config(request).sign_in_limiter
    now = time.monotonic()
    return not all(limiter.hit(key, now) for key in keys)


@routes.post("/console/sign-in")
@public
async def ask_for_link(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email = str(form.get("email", "")).strip().lower()
    lang = page_language(request)
    if "@" not in email or len(email) > 320:
        error = i18n.lgettext(lang, "Please enter your email address.")
        return await sign_in_form(request, error, status=400)
    if over_limit(request, f"ip:{client_ip(request)}", f"email:{email}"):
        error = i18n.lgettext(
            lang, "Too many sign-in attempts. Please wait 15 minutes and try again."
        )
        return await sign_in_form(request, error, status=429)
    config = console_config(request)
    async with config.sessions() as session:
        member = await staff_queries.staff_by_email(session, email)
        url = None
        if member is not None and member.active:
            url = await issue_link(session, member, config.signing_key, config.public_url, utcnow())
            await session.commit()
    if member is not None and url is not None:
        try:
            await config.mailer.send(
                link_message(member.email or email, member.name, member.language, url)
            )
        except MailerError as exc:
            log.warning("console sign-in link not sent: %s", exc)
    # the same answer whether or not the address is staff's
    return await render(request, "link_sent.html", {"email": email})


def link_message(to: str, name: str, lang: str, url: str) -> TransactionalMessage:
    subject = i18n.lgettext(lang, "Your sign-in link for the AIVE console")
    body = i18n.lgettext(
        lang,
        "Open this link within 15 minutes to sign in to the AIVE console. It works once.",
    )
    ignore = i18n.lgettext(lang, "If you did not ask for it, you can ignore this message.")
    text = f"{body}\n\n{url}\n\n{ignore}\n"
    html = f'<p>{body}</p><p><a href="{url}">{url}</a></p><p>{ignore}</p>'
    return TransactionalMessage(
        to=to,
        to_name=name or None,
        subject=subject,
        text=text,
        html=html,
        category="console-sign-in",
    )


@routes.get("/console/sign-in/link/{token}", name="console.sign_in_link")
@public
async def link_page(request: web.Request) -> web.StreamResponse:
    """A button that signs in (a POST): mail scanners that open links do not use them up."""
    config = console_config(request)
    claim = read_link(config.signing_key, request.match_info["token"], config.link_lifetime)
    if claim is None:
        return await render(request, "link_invalid.html", {}, status=410)
    return await render(request, "link_confirm.html", {"token": request.match_info["token"]})


@routes.post("/console/sign-in/link/{token}")
@public
async def sign_in_with_link(request: web.Request) -> web.StreamResponse:
    config = console_config(request)
    if over_limit(request, f"ip:{client_ip(request)}"):
        raise web.HTTPTooManyRequests(text="Too many sign-in attempts.")
    async with config.sessions() as session:
        staff_id = await use_link(
            session, config.signing_key, request.match_info["token"], utcnow(), config.link_lifetime
        )
        await session.commit()
    if staff_id is None:
        return await render(request, "link_invalid.html", {}, status=410)
    response = web.HTTPSeeOther("/console/")
    await start_session(request, response, staff_id, "email link")
    raise response


@routes.get("/console/sign-in/telegram", name="console.sign_in_telegram")
@public
async def sign_in_with_telegram(request: web.Request) -> web.StreamResponse:
    """The Telegram Login Widget's redirect: its fields in the query, checked with the bot
    token; the Telegram user must be a staff member linked to that account."""
    config = console_config(request)
    if not config.telegram_token:
        raise web.HTTPNotFound()
    if over_limit(request, f"ip:{client_ip(request)}"):
        raise web.HTTPTooManyRequests(text="Too many sign-in attempts.")
    fields = {k: v for k, v in request.query.items()}
    telegram_id = verified_telegram_id(fields, config.telegram_token, utcnow())
    member = None
    if telegram_id is not None:
        async with config.sessions() as session:
            member = await staff_queries.staff_by_telegram_id(session, telegram_id)
    if member is None or not member.active:
        lang = page_language(request)
        error = i18n.lgettext(lang, "This Telegram account is not linked to a staff member.")
        return await sign_in_form(request, error, status=403)
    response = web.HTTPSeeOther("/console/")
    await start_session(request, response, member.id, "telegram")
    raise response


@routes.post("/console/sign-out", name="console.sign_out")
@requires(Permission.read)
async def sign_out(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther("/console/sign-in")
    await end_session(request, response, everywhere=False)
    raise response


@routes.post("/console/sign-out-everywhere", name="console.sign_out_everywhere")
@requires(Permission.read)
async def sign_out_everywhere(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther("/console/sign-in")
    await end_session(request, response, everywhere=True)
    raise response


@routes.post("/console/language", name="console.language")
@requires(Permission.read)
async def choose_language(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    assert staff is not None
    form = await request.post()
    lang = i18n.supported(str(form.get("language", "")))
    if lang is None:
        raise web.HTTPBadRequest(text="Unknown language.")
    config = console_config(request)
    async with config.sessions() as session:
        member = await staff_queries.staff_by_id(session, staff.id)
        if member is not None and member.language != lang:
            before = member.language
            await staff_queries.set_language(session, member, lang)
            record(
                session,
                staff.actor,
                "staff.language",
                staff.actor,
                face="console",
                ip=client_ip(request),
                before=before,
                after=lang,
            )
            await session.commit()
    raise web.HTTPSeeOther(safe_next(form.get("next")))
