"""What the bot keeps from Telegram, by role (what /privacy tells each person).

Everyone: the Telegram user id (to write to them), the language, the timezone if they give
one, their roles. The name Telegram shows is kept only for those whom others must recognise:
city representatives (their colleagues and the secretariat see who answered or asked) and
staff. Young people's first name lives in their youth profile, and only when they choose to sign
their ideas with it; nobody's surname is kept otherwise, nor any username, phone or photo.
"""

from __future__ import annotations

from aiogram.types import User

from storage.people import Person, Role

NAMED_ROLES = frozenset({Role.city_representative, Role.staff})


def keeps_name(person: Person) -> bool:
    """Whether the person's role needs the name Telegram shows (representatives, staff)."""
    return any(role.role in NAMED_ROLES for role in person.roles)


def remember_name(person: Person, user: User) -> None:
    """Keep the name of someone asking to represent a city, or verified as its representative:
    the secretariat and the city's colleagues must see who it is."""
    person.display_name = user.full_name[:200]
