"""Filters on the person behind an update (set by bot.middlewares.PersonMiddleware)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from storage import staff_queries
from storage.people import Person
from storage.staff import LEGACY_STAFF_ROLE, Permission, allows

# The staff commands and buttons, by the permission of the one table (storage.staff) that the
# console follows too: a Telegram staff member linked to a console account has its role.
COMMAND_PERMISSIONS: dict[str, Permission] = {
    "invite": Permission.run_consultations,
    "requests": Permission.run_consultations,
    "consultations": Permission.run_consultations,
    "ideas": Permission.moderate_youth,
    "broadcast": Permission.send_broadcasts,
    "polls": Permission.run_polls,
    "cafes": Permission.run_cafes,
    "bulletins": Permission.edit_bulletins,
    "campaign": Permission.run_campaigns,
}
BUTTON_PERMISSIONS: dict[str, Permission] = {  # CallbackData prefixes of staff buttons
    "rq": Permission.run_consultations,
    "cs": Permission.run_consultations,
    "yr": Permission.moderate_youth,
    "bs": Permission.send_broadcasts,
    "pl": Permission.run_polls,
    "cfs": Permission.run_cafes,
    "bd": Permission.edit_bulletins,
    "cp": Permission.run_campaigns,
}


class IsStaff(Filter):
    """True for a person with the staff role in the database; `~IsStaff()` for everyone else."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and person.is_staff


def needed_permission(event: TelegramObject) -> Permission | None:
    """The permission a staff command or button needs; None for anything else."""
    if isinstance(event, Message) and event.text and event.text.startswith("/"):
        command = event.text[1:].split(maxsplit=1)[0].split("@")[0] if len(event.text) > 1 else ""
        return COMMAND_PERMISSIONS.get(command)
    if isinstance(event, CallbackQuery) and event.data:
        return BUTTON_PERMISSIONS.get(event.data.split(":", 1)[0])
    return None


class RoleRefuses(Filter):
    """True for a staff member whose console role lacks the permission of this command or
    button (staff without a linked console account keep every command)."""

    async def __call__(
        self,
        event: TelegramObject,
        person: Person | None = None,
        session: AsyncSession | None = None,
    ) -> bool:
        permission = needed_permission(event)
        if permission is None or person is None or not person.is_staff or session is None:
            return False
        role = await staff_queries.console_role_of_person(session, person.id)
        return not allows(role or LEGACY_STAFF_ROLE, permission)
