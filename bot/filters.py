"""Filters on the person behind an update (set by bot.middlewares.PersonMiddleware)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from storage.people import Person


class IsStaff(Filter):
    """True for a person with the staff role in the database; `~IsStaff()` for everyone else."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and person.is_staff
