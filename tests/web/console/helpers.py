"""A console on a test database, and staff signed in with each role."""

from __future__ import annotations

import email
import email.policy
import re
import secrets
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from newsletter.subscriptions.mailer import OutboxMailer
from storage import staff_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffMember, StaffRole
from web.console import ConsoleConfig, setup_console
from web.console.magic_links import digest
from web.console.sessions import SESSION_COOKIE
from web.public.edge import EdgeConfig, setup_web_edge

PUBLIC_URL = "http://aive.test"
KEY = "console-test-key"
LINK = re.compile(r"https?://[^/\s]+(/console/sign-in/link/[^\s<\"]+)")
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def console_app(sessions: SessionFactory, outbox: Path, **options: object) -> web.Application:
    app = web.Application()
    setup_web_edge(app, EdgeConfig())
    values: dict[str, object] = {"public_url": PUBLIC_URL, "signing_key": KEY} | options
    config = ConsoleConfig(
        sessions=sessions,
        mailer=OutboxMailer(outbox, "AIVE <bulletin@example.org>"),
        **values,  # type: ignore[arg-type]
    )
    setup_console(app, config)
    return app


def console_client(sessions: SessionFactory, outbox: Path, **options: object) -> TestClient:
    return TestClient(TestServer(console_app(sessions, outbox, **options)))


async def add_member(
    sessions: SessionFactory,
    role: StaffRole,
    email: str | None = None,
    name: str = "",
    language: str = "en",
) -> StaffMember:
    async with sessions() as session:
        member = await staff_queries.add_staff(
            session,
            email=email or f"{role.value}-{secrets.token_hex(3)}@aive.test",
            name=name or role.value.title(),
            role=role,
            language=language,
            actor="test",
        )
        await session.commit()
        return member


async def sign_in_as(client: TestClient, sessions: SessionFactory, member: StaffMember) -> str:
    """A live session for `member`, its cookie in the client's jar; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    async with sessions() as session:
        await staff_queries.create_session(
            session,
            staff_id=member.id,
            token_hash=digest(token),
            now=utcnow(),
            lifetime=timedelta(hours=12),
            ip=None,
            user_agent=None,
        )
        await session.commit()
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
    return token


def links_in_outbox(outbox: Path) -> list[str]:
    """The sign-in links of the messages in the file outbox, oldest first."""
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        assert body is not None
        found += LINK.findall(body.get_content())
    return found


async def csrf_token(client: TestClient, path: str = "/console/sign-in") -> str:
    """The CSRF token of a console form (the page also sets the visitor's CSRF cookie)."""
    response = await client.get(path, allow_redirects=False)
    found = TOKEN_FIELD.search(await response.text())
    assert found, f"no form token on {path} ({response.status})"
    return found.group(1)
