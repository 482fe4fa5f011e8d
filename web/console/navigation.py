"""The console's menu: each entry shows only to roles with its permission. Page modules add
their entry here (path, label marked with N_, permission)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.staff import Permission


def N_(message: str) -> str:
    """Mark a message for extraction; translated when shown."""
    return message


ROLE_LABELS = {
    "owner": N_("owner"),
    "editor": N_("editor"),
    "moderator": N_("moderator"),
    "viewer": N_("viewer"),
}


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    permission: Permission


NAV: list[NavItem] = [
    NavItem("/console/", N_("Dashboard"), Permission.read),
    NavItem("/console/bulletins", N_("Bulletins"), Permission.read),
    NavItem("/console/subscribers", N_("Subscribers"), Permission.read),
    NavItem("/console/feeds", N_("Feeds"), Permission.read),
    NavItem("/console/consultations", N_("Consultations"), Permission.read),
    NavItem("/console/cafes", N_("Cafés"), Permission.read),
    NavItem("/console/polls", N_("Polls"), Permission.read),
    NavItem("/console/representatives", N_("Representatives"), Permission.read),
    NavItem("/console/youth", N_("Youth ideas"), Permission.moderate_youth),
    NavItem("/console/campaign", N_("Campaign"), Permission.read),
    NavItem("/console/broadcasts", N_("Broadcasts"), Permission.read),
    NavItem("/console/networks", N_("Networks"), Permission.read),
    NavItem("/console/staff", N_("Staff"), Permission.manage_staff),
    NavItem("/console/audit", N_("Audit log"), Permission.read_audit),
]
