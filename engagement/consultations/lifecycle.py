"""A consultation's life as staff drive it (from the CLI or the staff chat): its YAML checked
and stored as a draft, then opened and closed. Each step commits together with its audit event;
DefinitionError lists every problem of the YAML, ConsultationError refuses opening too late.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.consultations.definition_check import load_definition
from engagement.consultations.errors import ConsultationError, DefinitionError
from engagement.consultations.schema import Definition
from engagement.problems import N_, Problem
from storage import audit
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import Consultation, ConsultationStatus


async def check_source(
    session: AsyncSession, source: str, *, now: datetime | None = None, new_slug: bool = False
) -> Definition:
    """The checks `create_consultation` makes, storing nothing (a staff editor checks as they
    type): DefinitionError lists every problem. Given `now`, a closing time already past is
    one; with `new_slug`, a slug already taken is one too."""
    definition = load_definition(source, await q.all_network_slugs(session))
    problems = []
    if now is not None and definition.closes_at <= now:
        problems.append(
            Problem(
                "closes_at",
                N_("{when} has already passed: give a closing date in the future"),
                {"when": definition.closes_at.isoformat(timespec="minutes")},
            )
        )
    if new_slug and await q.consultation_by_slug(session, definition.slug) is not None:
        problems.append(_slug_taken(definition.slug))
    if problems:
        raise DefinitionError(problems)
    return definition


def _slug_taken(slug: str) -> Problem:
    return Problem("slug", N_("a consultation {slug} already exists"), {"slug": repr(slug)})


async def create_consultation(
    session: AsyncSession, source: str, *, actor: str, now: datetime | None = None
) -> Consultation:
    """Check the YAML and store it as a draft; DefinitionError lists every problem. Given `now`,
    a closing time already past is one too (such a consultation could never be opened)."""
    definition = await check_source(session, source, now=now)
    consultation = Consultation(
        slug=definition.slug,
        definition=definition.to_json(),
        titles=dict(definition.title),
        audience=definition.audience.value,
        networks=list(definition.networks),
        one_response_per=definition.one_response_per.value,
        opens_at=definition.opens_at,
        closes_at=definition.closes_at,
        status=ConsultationStatus.draft,
    )
    session.add(consultation)
    audit.record(session, actor, "consultation.create", definition.slug)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise DefinitionError([_slug_taken(definition.slug)]) from None
    return consultation


async def set_status(
    session: AsyncSession,
    consultation_id: int,
    status: ConsultationStatus,
    *,
    actor: str,
    now: datetime | None = None,
) -> Consultation:
    """Open or close a consultation; opening one whose closing time has passed is refused."""
    consultation = await q.get_consultation(session, consultation_id)
    if status == ConsultationStatus.open and (now or utcnow()) >= consultation.closes_at:
        raise ConsultationError("its closes_at has passed; it cannot be opened")
    consultation.status = status
    audit.record(session, actor, f"consultation.{status.value}", consultation.slug)
    await session.commit()
    return consultation
