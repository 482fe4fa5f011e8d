"""Approved youth ideas become the bulletin's "Youth voice": signed as the author chose, in the
period they were approved, rendered in the edition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from newsletter.editions.compose import compose_edition
from newsletter.editions.render import render_edition
from newsletter.editions.values import CompositionError, Period, SectionKind
from newsletter.editions.youth import approved_youth_for_bulletin, mark_published
from storage.engine import SessionFactory
from storage.networks import City
from storage.people import Person
from storage.youth import (
    AgeBracket,
    PublishAs,
    SubmissionStatus,
    Theme,
    YouthProfile,
    YouthSubmission,
)
from tests.newsletter.sample_edition import sample_context

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 15, tzinfo=UTC)


async def add_idea(
    sessions: SessionFactory,
    *,
    name: str,
    publish_as: PublishAs,
    status: SubmissionStatus = SubmissionStatus.approved,
    decided_at: datetime = START + timedelta(days=2),
    language: str = "en",
) -> int:
    async with sessions() as session:
        city = await session.scalar(select(City).where(City.name == "Changwon"))
        if city is None:
            city = City(name="Changwon", country="KR", languages=["ko"])
        person = Person(display_name=name, roles=[])
        session.add_all([city, person])
        await session.flush()
        session.add(
            YouthProfile(
                person_id=person.id,
                age_bracket=AgeBracket.from_16_to_17,
                publish_as=publish_as,
                first_name=name if publish_as is PublishAs.first_name else None,
            )
        )
        idea = YouthSubmission(
            person_id=person.id,
            title=f"Idea of {name}",
            text="Safe bike lanes to every school.",
            language=language,
            theme=Theme.participation,
            city_id=city.id,
            status=status,
            decided_at=decided_at,
        )
        session.add(idea)
        await session.commit()
        return idea.id


async def test_only_ideas_approved_in_the_period_signed_as_chosen(
    sessions: SessionFactory,
) -> None:
    yuna = await add_idea(sessions, name="Yuna", publish_as=PublishAs.first_name)
    await add_idea(sessions, name="Min", publish_as=PublishAs.anonymous, language="und")
    await add_idea(sessions, name="Late", publish_as=PublishAs.first_name, decided_at=END)
    await add_idea(
        sessions, name="Pending", publish_as=PublishAs.first_name, status=SubmissionStatus.pending
    )
    await add_idea(
        sessions, name="No", publish_as=PublishAs.first_name, status=SubmissionStatus.rejected
    )
    async with sessions() as session:
        voices = await approved_youth_for_bulletin(session, START, END, "es")
    assert [(v.author, v.city, v.country, v.language) for v in voices] == [
        ("Yuna", "Changwon", "KR", "en"),
        ("Una persona joven", "Changwon", "KR", ""),
    ]
    assert voices[0].id == yuna and voices[0].text.startswith("Idea of Yuna — Safe bike")


async def test_the_approved_idea_is_printed_in_the_rendered_edition(
    sessions: SessionFactory,
) -> None:
    await add_idea(sessions, name="Yuna", publish_as=PublishAs.first_name)
    async with sessions() as session:
        voices = await approved_youth_for_bulletin(session, START, END, "en")
    edition = compose_edition([], language="en", period=Period(START, END), youth=voices)
    section = edition.section(SectionKind.youth)
    assert section is not None and [v.author for v in section.youth] == ["Yuna"]
    rendered = render_edition(edition, sample_context())
    assert "Safe bike lanes to every school." in rendered.text
    assert "— Yuna, Changwon" in rendered.text


async def test_mark_published_marks_only_approved_ideas(sessions: SessionFactory) -> None:
    approved = await add_idea(sessions, name="Yuna", publish_as=PublishAs.first_name)
    pending = await add_idea(
        sessions, name="Min", publish_as=PublishAs.first_name, status=SubmissionStatus.pending
    )
    async with sessions() as session:
        assert await mark_published(session, [approved, pending]) == 1
        assert await mark_published(session, []) == 0
        await session.commit()
        assert (await session.get(YouthSubmission, approved)).published  # type: ignore[union-attr]
        assert not (await session.get(YouthSubmission, pending)).published  # type: ignore[union-attr]


async def test_a_naive_period_is_refused(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(CompositionError):
            await approved_youth_for_bulletin(session, START.replace(tzinfo=None), END)
