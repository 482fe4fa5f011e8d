"""Who may open what: the permission table (storage.staff, shared with the bot and the CLI) and
the `requires` decorator every console route carries.

Anonymous visitors are sent to the sign-in page; a staff member whose role lacks the permission
gets 403. The permission is recorded on the handler (`permission_of`) so one test walks the
whole route table with every role."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import web

from storage.staff import ROLE_PERMISSIONS, Permission, StaffRole, allows

__all__ = [
    "ROLE_PERMISSIONS",
    "STAFF",
    "ConsoleStaff",
    "Permission",
    "StaffRole",
    "allows",
    "current_staff",
    "permission_of",
    "public",
    "requires",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PERMISSION_ATTRIBUTE = "__console_permission__"
PUBLIC_ATTRIBUTE = "__console_public__"


@dataclass(frozen=True)
class ConsoleStaff:
    """The signed-in staff member: `request[STAFF]`, or `current_staff(request)` (aiohttp
    warns about plain string keys such as `request["staff"]`)."""

    id: int
    name: str
    email: str | None
    role: StaffRole
    language: str
    session_id: int

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"staff:{self.id}"


STAFF = web.RequestKey("staff", ConsoleStaff)


def current_staff(request: web.Request) -> ConsoleStaff | None:
    return request.get(STAFF)


def sign_in_url(request: web.Request) -> str:
    return "/console/sign-in?next=" + quote(request.path_qs, safe="")


def requires(permission: Permission) -> Callable[[Handler], Handler]:
    """Decorate a console route: anonymous → 303 to the sign-in page; a role without
    `permission` → 403."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            staff = current_staff(request)
            if staff is None:
                raise web.HTTPSeeOther(sign_in_url(request))
            if not staff.can(permission):
                raise web.HTTPForbidden()
            return await handler(request)

        setattr(guarded, PERMISSION_ATTRIBUTE, permission)
        return guarded

    return decorate


def public(handler: Handler) -> Handler:
    """Mark a console route open to anonymous visitors (sign-in pages, static files)."""
    setattr(handler, PUBLIC_ATTRIBUTE, True)
    return handler


def permission_of(handler: Any) -> Permission | None:
    return getattr(handler, PERMISSION_ATTRIBUTE, None)


def is_public(handler: Any) -> bool:
    return bool(getattr(handler, PUBLIC_ATTRIBUTE, False))
