"""Server-side console sessions: the cookie holds a random id (HttpOnly, SameSite=Strict,
Secure behind https), the database its hash, so a session can be revoked anywhere. A sign-in
always starts a new session id; idle and absolute timeouts end it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from aiohttp import web

from storage import staff_queries
from storage.base import utcnow
from web.console.access import ConsoleStaff, current_staff
from web.console.config import ConsoleConfig, console_config
from web.console.magic_links import digest
from web.public.site import client_key

SESSION_COOKIE = "aive_console"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often


def client_ip(request: web.Request) -> str:
    return client_key(request, console_config(request).trusted_proxy)


async def load_staff(request: web.Request) -> ConsoleStaff | None:
    """The staff member of the request's session cookie, when it is live."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    config = console_config(request)
    now = utcnow()
    async with config.sessions() as session:
        found = await staff_queries.live_session(session, digest(token), now, config.idle_timeout)
        if found is None:
            return None
        row, member = found
        if now - row.last_seen_at >= TOUCH_EVERY:
            await staff_queries.touch_session(session, row.id, now)
            await session.commit()
        return ConsoleStaff(
            id=member.id,
            name=member.name,
            email=member.email,
            role=member.role,
            language=member.language,
            session_id=row.id,
        )


async def start_session(
    request: web.Request, response: web.StreamResponse, staff_id: int, actor_note: str
) -> None:
    """Sign `staff_id` in: a fresh session id (the old cookie's session, if any, is revoked),
    its cookie on `response`, and an audit row."""
    from storage.audit import record

    config = console_config(request)
    now = utcnow()
    token = secrets.token_urlsafe(32)
    async with config.sessions() as session:
        old = request.cookies.get(SESSION_COOKIE)
        if old and len(old) <= 100:
            await staff_queries.revoke_session(session, digest(old), now)
        await staff_queries.create_session(
            session,
            staff_id=staff_id,
            token_hash=digest(token),
            now=now,
            lifetime=config.absolute_timeout,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent"),
        )
        record(
            session,
            f"staff:{staff_id}",
            "console.signed_in",
            f"staff:{staff_id}",
            face="console",
            ip=client_ip(request),
            method=actor_note,
        )
        await session.commit()
    set_session_cookie(response, config, token)


def set_session_cookie(response: web.StreamResponse, config: ConsoleConfig, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=config.secure_cookies,
        max_age=int(config.absolute_timeout.total_seconds()),
    )


async def end_session(request: web.Request, response: web.StreamResponse, everywhere: bool) -> None:
    from storage.audit import record

    config = console_config(request)
    staff = current_staff(request)
    now = utcnow()
    async with config.sessions() as session:
        token = request.cookies.get(SESSION_COOKIE, "")
        if everywhere and staff is not None:
            await staff_queries.revoke_all_sessions(session, staff.id, now)
        elif token:
            await staff_queries.revoke_session(session, digest(token), now)
        if staff is not None:
            action = "console.signed_out_everywhere" if everywhere else "console.signed_out"
            record(session, staff.actor, action, staff.actor, face="console", ip=client_ip(request))
        await session.commit()
    response.del_cookie(SESSION_COOKIE, path="/console")
