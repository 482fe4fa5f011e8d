"""A person opening a consultation, or pressing one of its buttons: the response they answer,
with what a face shows around it (the city answering, who answered last), read once here so
that the chat (and the web) never query after the view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations import response_access
from engagement.consultations.response_access import Opened, ResponseView
from storage import consultations_queries as q
from storage import people_queries
from storage.people import Person

Target = Opened | int  # a response already read, or its id (what `answering` takes)


@dataclass(frozen=True)
class Opening:
    """The response a person opened, and who answered it so far."""

    view: ResponseView
    city_name: str | None  # per-city consultations: the city the person answers for
    last_by: str | None  # the name of who answered last
    is_me: bool  # the person answered last (or nobody did yet)


@dataclass(frozen=True)
class Pressed:
    """The response a button or a typed answer is about."""

    view: ResponseView
    target: Target
    city_name: str | None


async def _city_of(session: AsyncSession, view: ResponseView) -> str | None:
    if view.city_id is None or view.definition.one_response_per.value != "city":
        return None
    return await people_queries.city_name(session, view.city_id)


async def open_consultation(
    session: AsyncSession, consultation_id: int, person: Person, *, language: str
) -> Opening:
    """`response_access.start_or_resume`, with the city and who answered last.
    Raises NotFound and ResponseRefused as `start_or_resume` does."""
    view = await response_access.start_or_resume(
        session, consultation_id, person.id, language=language
    )
    response = await q.get_response(session, view.response_id)
    return Opening(
        view,
        await _city_of(session, view),
        await people_queries.display_name(session, response.person_id),
        response.person_id == person.id,
    )


async def pressed_response(
    session: AsyncSession, response_id: int, person: Person, *, language: str
) -> Pressed:
    """The response a button or a typed answer is about, read once when it is the person's
    own (the usual case); otherwise as `start_or_resume` finds the person's response.
    Raises NotFound and ResponseRefused."""
    opened = await response_access.open_response(session, response_id, person)
    if opened is not None:
        return Pressed(opened.view, opened, opened.city_name)
    response = await q.get_response(session, response_id)
    city = response.city_id if response.unit == "city" else None
    view = await response_access.start_or_resume(
        session, response.consultation_id, person.id, language=language, city_id=city
    )
    return Pressed(view, view.response_id, await _city_of(session, view))
