"""Every console route refuses anonymous visitors (to the sign-in page) and roles without its
permission (403), and lets the roles with it through: one walk over the route table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web

from storage.engine import SessionFactory
from storage.staff import ROLE_PERMISSIONS, Permission, StaffRole
from tests.web.console.helpers import add_member, console_client, csrf_token, sign_in_as
from web.console import console_routes
from web.console.access import is_public, permission_of

GUARDED = [r for r in console_routes() if not is_public(r.handler)]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def route_id(route: web.RouteDef) -> str:
    return f"{route.method} {route.path}"


def test_every_console_route_declares_a_permission_or_is_public() -> None:
    undeclared = [
        route_id(r)
        for r in console_routes()
        if permission_of(r.handler) is None and not is_public(r.handler)
    ]
    assert undeclared == []
    assert len(GUARDED) >= 5


def test_roles_follow_the_issue() -> None:
    assert ROLE_PERMISSIONS[StaffRole.owner] == frozenset(Permission)
    assert Permission.manage_staff not in ROLE_PERMISSIONS[StaffRole.editor]
    assert Permission.edit_bulletins in ROLE_PERMISSIONS[StaffRole.editor]
    assert Permission.moderate_youth not in ROLE_PERMISSIONS[StaffRole.editor]
    assert Permission.run_consultations in ROLE_PERMISSIONS[StaffRole.moderator]
    assert Permission.edit_bulletins not in ROLE_PERMISSIONS[StaffRole.moderator]
    viewer = ROLE_PERMISSIONS[StaffRole.viewer]
    assert Permission.read in viewer and not viewer & {
        p for p in Permission if p not in (Permission.read, Permission.read_audit)
    }


@pytest.mark.parametrize("route", GUARDED, ids=route_id)
@pytest.mark.parametrize("role", [None, *StaffRole], ids=lambda r: r or "anonymous")
async def test_route_refuses_anonymous_and_roles_without_its_permission(
    sessions: SessionFactory, tmp_path: Path, route: web.RouteDef, role: StaffRole | None
) -> None:
    async with console_client(sessions, tmp_path / "outbox") as client:
        token = await csrf_token(client)
        if role is not None:
            await sign_in_as(client, sessions, await add_member(sessions, role))
        path = concrete(route.path)
        if route.method == "POST":
            response = await client.post(path, data={"csrf_token": token}, allow_redirects=False)
        else:
            response = await client.request(route.method, path, allow_redirects=False)
        permission = permission_of(route.handler)
        assert permission is not None
        if role is None:
            assert response.status == 303
            assert response.headers["Location"].startswith("/console/sign-in?next=")
        elif permission in ROLE_PERMISSIONS[role]:
            assert response.status != 403
            assert not response.headers.get("Location", "").startswith("/console/sign-in?")
        else:
            assert response.status == 403
            assert "Your role does not allow this" in await response.text()
