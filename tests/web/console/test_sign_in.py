"""Signing in with the emailed link: it lands in the outbox, works once, within 15 minutes,
starts a new server-side session with a strict cookie; attempts are rate-limited; sessions end
on sign-out, everywhere, and after the idle and absolute timeouts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient

from storage import staff_queries
from storage.base import utcnow
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.helpers import (
    KEY,
    PUBLIC_URL,
    TOKEN_FIELD,
    add_member,
    console_client,
    csrf_token,
    links_in_outbox,
)
from web.console.csrf import CSRF_COOKIE
from web.console.magic_links import digest, issue_link
from web.console.sessions import SESSION_COOKIE


async def ask_for_link(client: TestClient, address: str) -> tuple[int, str]:
    token = await csrf_token(client)
    response = await client.post("/console/sign-in", data={"email": address, "csrf_token": token})
    return response.status, await response.text()


async def follow_link(client: TestClient, link: str) -> tuple[int, str, str]:
    """Open the link and press its button: (status, Location, Set-Cookie)."""
    token = await csrf_token(client, link)
    response = await client.post(link, data={"csrf_token": token}, allow_redirects=False)
    await response.read()
    return (
        response.status,
        response.headers.get("Location", ""),
        response.headers.get("Set-Cookie", ""),
    )


async def test_ines_signs_in_with_the_link_from_the_outbox_once(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await add_member(sessions, StaffRole.editor, "ines@aive.test", "Inés", language="es")
    outbox = tmp_path / "outbox"
    async with console_client(sessions, outbox) as client:
        status, page = await ask_for_link(client, " Ines@AIVE.test ")
        assert status == 200 and "Check your email" in page
        [link] = links_in_outbox(outbox)
        status, location, cookie = await follow_link(client, link)
        assert (status, location) == (303, "/console/")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        dashboard = await client.get("/console/")
        assert dashboard.status == 200 and "Inés" in await dashboard.text()

    async with console_client(sessions, outbox) as other:  # the same link, again
        token = await csrf_token(other, link)
        again = await other.post(link, data={"csrf_token": token}, allow_redirects=False)
        assert again.status == 410 and "no longer works" in await again.text()


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    async with console_client(sessions, outbox) as client:
        status, page = await ask_for_link(client, "stranger@example.org")
    assert status == 200 and "Check your email" in page
    assert links_in_outbox(outbox) == []


async def test_an_expired_or_forged_link_does_not_sign_in(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    member = await add_member(sessions, StaffRole.viewer, "vera@aive.test")
    async with sessions() as session:
        old = await issue_link(session, member, KEY, PUBLIC_URL, utcnow() - timedelta(minutes=16))
        forged = await issue_link(session, member, "another-key", PUBLIC_URL, utcnow())
        await session.commit()
    async with console_client(sessions, tmp_path) as client:
        # the old link's signature is fresh enough to show its button, its row has expired
        status, _location, cookie = await follow_link(client, old.removeprefix(PUBLIC_URL))
        assert status == 410 and SESSION_COOKIE not in cookie
        forged_path = forged.removeprefix(PUBLIC_URL)
        assert (await client.get(forged_path)).status == 410
        token = await csrf_token(client)
        pressed = await client.post(forged_path, data={"csrf_token": token}, allow_redirects=False)
        assert pressed.status == 410 and SESSION_COOKIE not in pressed.headers.get("Set-Cookie", "")


async def test_sign_in_attempts_are_rate_limited(sessions: SessionFactory, tmp_path: Path) -> None:
    await add_member(sessions, StaffRole.viewer, "vera@aive.test")
    async with console_client(sessions, tmp_path / "outbox") as client:
        answers = [(await ask_for_link(client, "vera@aive.test"))[0] for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(links_in_outbox(tmp_path / "outbox")) == 5


async def test_a_link_made_by_the_cli_signs_in_and_secure_cookies_behind_https(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    member = await add_member(sessions, StaffRole.owner, "olga@aive.test")
    async with sessions() as session:
        link = await issue_link(session, member, KEY, "https://aive.example", utcnow())
        await session.commit()
    path = link.removeprefix("https://aive.example")
    async with console_client(sessions, tmp_path, public_url="https://aive.example") as client:
        page = await client.get(path)
        # a Secure cookie is not sent back over the test's plain http: hand it back ourselves
        nonce = page.cookies[CSRF_COOKIE]
        assert nonce["secure"]
        client.session.cookie_jar.update_cookies({CSRF_COOKIE: nonce.value})
        token = TOKEN_FIELD.search(await page.text())
        assert token
        response = await client.post(
            path, data={"csrf_token": token.group(1)}, allow_redirects=False
        )
    session_cookie = response.cookies[SESSION_COOKIE]
    assert response.status == 303 and session_cookie["secure"] and session_cookie["httponly"]


async def sign_in_by_link(sessions: SessionFactory, client: TestClient, member_id: int) -> str:
    async with sessions() as session:
        member = await staff_queries.staff_by_id(session, member_id)
        assert member is not None
        link = await issue_link(session, member, KEY, PUBLIC_URL, utcnow())
        await session.commit()
    status, _location, cookie = await follow_link(client, link.removeprefix(PUBLIC_URL))
    assert status == 303
    return cookie.split(f"{SESSION_COOKIE}=")[1].split(";")[0]


async def test_sign_out_everywhere_ends_every_session_and_sign_in_renews_the_id(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    member = await add_member(sessions, StaffRole.editor, "ines@aive.test")
    async with (
        console_client(sessions, tmp_path) as laptop,
        console_client(sessions, tmp_path) as phone,
    ):
        first = await sign_in_by_link(sessions, laptop, member.id)
        second = await sign_in_by_link(sessions, laptop, member.id)  # signing in again
        assert first != second
        async with sessions() as session:
            assert (
                await staff_queries.live_session(
                    session, digest(first), utcnow(), timedelta(hours=2)
                )
                is None
            )
        await sign_in_by_link(sessions, phone, member.id)
        assert (await phone.get("/console/", allow_redirects=False)).status == 200
        token = await csrf_token(laptop, "/console/")
        out = await laptop.post(
            "/console/sign-out-everywhere", data={"csrf_token": token}, allow_redirects=False
        )
        assert out.status == 303
        after = await phone.get("/console/", allow_redirects=False)
    assert after.status == 303 and after.headers["Location"].startswith("/console/sign-in")


async def test_idle_and_old_sessions_are_refused(sessions: SessionFactory, tmp_path: Path) -> None:
    member = await add_member(sessions, StaffRole.editor)
    now = utcnow()
    async with sessions() as session:
        for token, started, lifetime in (
            ("idle", now - timedelta(hours=3), timedelta(hours=12)),
            ("old", now - timedelta(hours=13), timedelta(hours=12)),
            ("fresh", now - timedelta(minutes=5), timedelta(hours=12)),
        ):
            await staff_queries.create_session(
                session,
                staff_id=member.id,
                token_hash=digest(token),
                now=started,
                lifetime=lifetime,
                ip=None,
                user_agent=None,
            )
        await session.commit()
    statuses = {}
    for token in ("idle", "old", "fresh"):
        async with console_client(sessions, tmp_path) as client:
            client.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
            statuses[token] = (await client.get("/console/", allow_redirects=False)).status
    assert statuses == {"idle": 303, "old": 303, "fresh": 200}
