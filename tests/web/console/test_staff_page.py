"""Owners manage staff: a deactivated member's sessions end at once; the console keeps one
active owner; `aive web` mounts the console with the operator's settings."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from storage.engine import SessionFactory, create_session_factory
from storage.staff import StaffRole
from tests.web.console.helpers import add_member, console_client, csrf_token, sign_in_as


async def test_a_deactivated_member_is_signed_out_at_once(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    owner = await add_member(sessions, StaffRole.owner, "olga@aive.test", "Olga")
    editor = await add_member(sessions, StaffRole.editor, "pau@aive.test", "Pau")
    async with (
        console_client(sessions, tmp_path) as olga,
        console_client(sessions, tmp_path) as pau,
    ):
        await sign_in_as(olga, sessions, owner)
        await sign_in_as(pau, sessions, editor)
        assert (await pau.get("/console/", allow_redirects=False)).status == 200
        token = await csrf_token(olga, "/console/staff")
        done = await olga.post(
            f"/console/staff/{editor.id}/active",
            data={"active": "0", "csrf_token": token},
            allow_redirects=False,
        )
        assert done.status == 303
        after = await pau.get("/console/", allow_redirects=False)
        page = await (await olga.get("/console/staff")).text()
    assert after.status == 303 and after.headers["Location"].startswith("/console/sign-in")
    assert "Deactivated" in page


async def test_the_last_owner_cannot_be_demoted_or_deactivated(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    owner = await add_member(sessions, StaffRole.owner, "olga@aive.test", "Olga")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, owner)
        token = await csrf_token(client, "/console/staff")
        demoted = await client.post(
            f"/console/staff/{owner.id}/role", data={"role": "viewer", "csrf_token": token}
        )
        demotion = await demoted.text()
        gone = await client.post(
            f"/console/staff/{owner.id}/active", data={"active": "0", "csrf_token": token}
        )
        leaving = await gone.text()
        still = await client.get("/console/staff", allow_redirects=False)
    assert demoted.status == 409 and "at least one active owner" in demotion
    assert gone.status == 409 and "at least one active owner" in leaving
    assert still.status == 200


async def test_an_invitation_with_a_taken_or_bad_address_is_refused(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    owner = await add_member(sessions, StaffRole.owner, "olga@aive.test", "Olga")
    async with console_client(sessions, tmp_path) as client:
        await sign_in_as(client, sessions, owner)
        token = await csrf_token(client, "/console/staff")
        taken = await client.post(
            "/console/staff",
            data={"email": "OLGA@aive.test", "role": "editor", "csrf_token": token},
        )
        taken_text = await taken.text()
        bad = await client.post(
            "/console/staff", data={"email": "olga", "role": "boss", "csrf_token": token}
        )
    assert taken.status == 409 and "olga@aive.test is already a staff member" in taken_text
    assert bad.status == 400


async def test_aive_web_mounts_the_console(engine: AsyncEngine) -> None:
    ctx = AppContext(load_settings(), engine, create_session_factory(engine))
    async with TestClient(TestServer(build_web_app(ctx))) as client:
        anonymous = await client.get("/console/", allow_redirects=False)
        sign_in = await client.get("/console/sign-in")
        page = await sign_in.text()
    assert anonymous.status == 303
    assert anonymous.headers["Location"] == "/console/sign-in?next=/console/"
    assert sign_in.status == 200 and 'name="csrf_token"' in page
    assert "script-src 'self';" in sign_in.headers["Content-Security-Policy"]
