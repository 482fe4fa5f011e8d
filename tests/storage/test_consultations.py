"""Consultation responses in the database, on SQLite and PostgreSQL (the `sessions` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from engagement.consultations import answering, lifecycle, reports, response_access
from engagement.consultations.errors import (
    AnswerError,
    DefinitionError,
    InvalidAnswer,
    Refusal,
    ResponseRefused,
)
from storage import migrate
from storage.audit import AuditEvent
from storage.consultations import ConsultationResponse, ConsultationStatus, ResponseStatus
from storage.engine import SessionFactory, create_session_factory
from storage.networks import City, Network
from storage.people import Person, PersonRole, Role
from tests.engagement.consultation_samples import SAMPLE

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 20, 22, 59, tzinfo=UTC)


async def seed(sessions: SessionFactory) -> dict[str, int]:
    """Two cities in two networks, two representatives of Lisboa, one of Barcelona, a youth."""
    async with sessions() as s:
        spain = Network(slug="spain", names={"en": "Spain"})
        portugal = Network(slug="portugal", names={"en": "Portugal"})
        bcn = City(name="Barcelona", country="ES", networks=[spain])
        lis = City(name="Lisboa", country="PT", networks=[portugal])
        s.add_all([bcn, lis])
        await s.flush()
        people = {}
        for name, role, city in (
            ("ana", Role.city_representative, lis),
            ("rui", Role.city_representative, lis),
            ("joan", Role.city_representative, bcn),
            ("kid", Role.youth, None),
        ):
            person = Person(display_name=name, language="pt")
            person.roles.append(PersonRole(role=role, city_id=city.id if city else None))
            s.add(person)
            await s.flush()
            people[name] = person.id
        await s.commit()
        return {**people, "lis": lis.id, "bcn": bcn.id}


async def open_sample(sessions: SessionFactory, source: str = SAMPLE) -> int:
    async with sessions() as s:
        consultation = await lifecycle.create_consultation(s, source, actor="test")
        await lifecycle.set_status(s, consultation.id, ConsultationStatus.open, actor="t", now=NOW)
        return consultation.id


async def answer_all(sessions: SessionFactory, response_id: int, person: int) -> None:
    async with sessions() as s:
        for qid, value in (("priority", "climate"), ("actions", ["a"]), ("satisfaction", 4)):
            await answering.answer(s, response_id, qid, value, person_id=person, now=NOW)
        await answering.skip(s, response_id, "budget", person_id=person, now=NOW)


async def test_two_representatives_share_one_city_response(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        first = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        assert first.current is not None and first.current.id == "priority"
        await answering.answer(
            s, first.response_id, "priority", "inclusion", person_id=ids["ana"], now=NOW
        )
    async with sessions() as s:
        second = await response_access.start_or_resume(s, cid, ids["rui"], language="en", now=NOW)
        assert second.response_id == first.response_id
        assert second.answers == {"priority": "inclusion"}
        assert second.current is not None and second.current.id == "actions"
        edited = await answering.go_to(
            s, second.response_id, "priority", person_id=ids["rui"], now=NOW
        )
        assert edited.current is not None and edited.current.id == "priority"
        await answering.answer(
            s, second.response_id, "priority", "climate", person_id=ids["rui"], now=NOW
        )
    async with sessions() as s:
        again = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        assert again.answers == {"priority": "climate"}
        barcelona = await response_access.start_or_resume(
            s, cid, ids["joan"], language="ca", now=NOW
        )
        assert barcelona.response_id != first.response_id
        with pytest.raises(ResponseRefused) as caught:
            await answering.answer(
                s, barcelona.response_id, "priority", "climate", person_id=ids["ana"], now=NOW
            )
        assert caught.value.reason == Refusal.not_eligible


async def test_city_unique_index_refuses_a_second_row(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        for person in ("ana", "rui"):
            s.add(
                ConsultationResponse(
                    consultation_id=cid,
                    unit="city",
                    city_id=ids["lis"],
                    person_id=ids[person],
                    language="pt",
                    answers={},
                )
            )
        with pytest.raises(IntegrityError):
            await s.commit()


async def test_per_person_responses_are_separate(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    source = (
        SAMPLE.replace("one_response_per: city", "one_response_per: person")
        .replace("audience: city_representatives", "audience: everyone")
        .replace("slug: sample", "slug: sample-person")
    )
    cid = await open_sample(sessions, source)
    async with sessions() as s:
        ana = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        await answering.answer(
            s, ana.response_id, "priority", "inclusion", person_id=ids["ana"], now=NOW
        )
        rui = await response_access.start_or_resume(s, cid, ids["rui"], language="pt", now=NOW)
        kid = await response_access.start_or_resume(s, cid, ids["kid"], language="es", now=NOW)
        assert len({ana.response_id, rui.response_id, kid.response_id}) == 3
        assert rui.answers == {}
        with pytest.raises(ResponseRefused):
            await answering.answer(
                s, ana.response_id, "actions", ["a"], person_id=ids["rui"], now=NOW
            )


async def test_youth_cannot_answer_a_city_consultation(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        with pytest.raises(ResponseRefused) as caught:
            await response_access.start_or_resume(s, cid, ids["kid"], language="es", now=NOW)
        assert caught.value.reason == Refusal.not_eligible


async def test_progress_survives_a_restart(sessions: SessionFactory, engine) -> None:  # type: ignore[no-untyped-def]
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        await answering.answer(
            s, view.response_id, "priority", "inclusion", person_id=ids["ana"], now=NOW
        )
        await answering.toggle(s, view.response_id, "actions", "b", person_id=ids["ana"], now=NOW)
    fresh = create_session_factory(engine)  # as after a restart: nothing shared in memory
    async with fresh() as s:
        resumed = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        assert resumed.answers == {"priority": "inclusion", "actions": ["b"]}
        assert resumed.current is not None and resumed.current.id == "actions"
        assert str(resumed.progress) == "2/5"


async def test_back_skip_submit_and_reopen(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    ana = ids["ana"]
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ana, language="pt", now=NOW)
        rid = view.response_id
        view = await answering.answer(s, rid, "priority", "inclusion", person_id=ana, now=NOW)
        view = await answering.back(s, rid, person_id=ana, now=NOW)
        assert view.current is not None and view.current.id == "priority"
        with pytest.raises(InvalidAnswer) as caught:
            await answering.skip(s, rid, "priority", person_id=ana, now=NOW)
        assert caught.value.code == AnswerError.not_skippable
        await answering.answer(s, rid, "priority", "inclusion", person_id=ana, now=NOW)
        await answering.answer(s, rid, "actions", ["a", "b"], person_id=ana, now=NOW)
        view = await answering.answer(s, rid, "satisfaction", "4", person_id=ana, now=NOW)
        assert view.current is not None and view.current.id == "comment"
        await answering.answer(s, rid, "comment", "schools", person_id=ana, now=NOW)
        view = await answering.skip(s, rid, "budget", person_id=ana, now=NOW)
        assert view.current is None  # the review
        # change the branch: the comment is no longer asked, and is dropped on submit
        await answering.answer(s, rid, "priority", "climate", person_id=ana, now=NOW)
        view = await answering.submit(s, rid, person_id=ana, now=NOW)
        assert view.submitted
        assert view.answers == {
            "priority": "climate",
            "actions": ["a", "b"],
            "satisfaction": 4,
            "budget": None,
        }
    async with sessions() as s:  # the submission's audit event is committed with it
        logged = (await s.execute(select(AuditEvent.actor, AuditEvent.action))).all()
        assert logged[-1] == (f"person:{ana}", "consultation.submit")
    async with sessions() as s:
        with pytest.raises(ResponseRefused) as refused:
            await answering.answer(s, rid, "satisfaction", 5, person_id=ana, now=NOW)
        assert refused.value.reason == Refusal.already_submitted
        view = await answering.reopen(s, rid, person_id=ids["rui"], now=NOW)
        assert view.current is not None and view.current.id == "priority"
        assert view.answers["satisfaction"] == 4


async def test_submit_refused_while_required_answers_are_missing(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        with pytest.raises(InvalidAnswer) as caught:
            await answering.submit(s, view.response_id, person_id=ids["ana"], now=NOW)
        assert caught.value.code == AnswerError.incomplete


async def test_answers_refused_after_closing_and_before_opening(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
        late = CLOSES + timedelta(minutes=1)
        with pytest.raises(ResponseRefused) as caught:
            await answering.answer(
                s, view.response_id, "priority", "climate", person_id=ids["ana"], now=late
            )
        assert caught.value.reason == Refusal.closed
        early = datetime(2026, 10, 1, tzinfo=UTC)
        with pytest.raises(ResponseRefused) as caught:
            await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=early)
        assert caught.value.reason == Refusal.not_open
        await lifecycle.set_status(s, cid, ConsultationStatus.closed, actor="t")
        with pytest.raises(ResponseRefused) as caught:
            await answering.answer(
                s, view.response_id, "priority", "climate", person_id=ids["ana"], now=NOW
            )
        assert caught.value.reason == Refusal.closed
        assert (await s.get(ConsultationResponse, view.response_id)).answers == {}  # type: ignore[union-attr]


async def test_forgetting_a_person_keeps_the_city_response(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ids["ana"], language="pt", now=NOW)
    await answer_all(sessions, view.response_id, ids["ana"])
    async with sessions() as s:
        await answering.submit(s, view.response_id, person_id=ids["ana"], now=NOW)
        await s.execute(delete(Person).where(Person.id == ids["ana"]))
        await s.commit()
    async with sessions() as s:
        kept = await s.get(ConsultationResponse, view.response_id)
        assert kept is not None and kept.person_id is None and kept.city_id == ids["lis"]
        assert kept.status == ResponseStatus.submitted
        found = await reports.consultation_results(s, cid)
        assert found.submitted == 1 and found.responded == 1


async def test_results_and_export_from_the_database(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    for person in ("ana", "joan"):
        async with sessions() as s:
            view = await response_access.start_or_resume(
                s, cid, ids[person], language="pt", now=NOW
            )
        await answer_all(sessions, view.response_id, ids[person])
    async with sessions() as s:
        await answering.submit(s, view.response_id, person_id=ids["joan"], now=NOW)
        found = await reports.consultation_results(s, cid)
        assert (found.submitted, found.responded, found.eligible, found.rate) == (1, 1, 2, 50.0)
        assert {n.network: n.rate for n in found.networks} == {"portugal": 0.0, "spain": 100.0}
        assert found.questions[0].options[1].count == 1
        lines = await reports.export_table(s, cid)
    assert lines == [
        [
            "response_id",
            "city",
            "country",
            "language",
            "submitted_at",
            "priority",
            "actions",
            "satisfaction",
            "comment",
            "budget",
            "channel",
        ],
        [
            str(view.response_id),
            "Barcelona",
            "ES",
            "pt",
            "2026-11-10T12:00:00Z",
            "climate",
            "a",
            "4",
            "",
            "",
            "bot",
        ],
    ]


async def test_reminders_three_days_before_closing_once(sessions: SessionFactory) -> None:
    ids = await seed(sessions)
    cid = await open_sample(sessions)
    async with sessions() as s:
        view = await response_access.start_or_resume(s, cid, ids["joan"], language="ca", now=NOW)
    await answer_all(sessions, view.response_id, ids["joan"])
    async with sessions() as s:
        await answering.submit(s, view.response_id, person_id=ids["joan"], now=NOW)
        assert await reports.due_reminders(s, NOW) == []
        soon = CLOSES - timedelta(days=2)
        due = await reports.due_reminders(s, soon)
        assert sorted(r.person_id for r in due) == sorted([ids["ana"], ids["rui"]])
        assert await reports.record_reminder(s, due[0]) is True
        assert await reports.record_reminder(s, due[0]) is False
        again = await reports.due_reminders(s, soon)
        assert [r.person_id for r in again] == [due[1].person_id]


async def test_duplicate_slug_and_invalid_file(sessions: SessionFactory) -> None:
    await open_sample(sessions)
    async with sessions() as s:
        with pytest.raises(DefinitionError) as caught:
            await lifecycle.create_consultation(s, SAMPLE, actor="t")
        assert caught.value.errors == ["slug: a consultation 'sample' already exists"]
        with pytest.raises(DefinitionError):
            await lifecycle.create_consultation(
                s,
                SAMPLE.replace("spain", "x").replace(
                    "audience: city_representatives", "audience: mayors"
                ),
                actor="t",
            )
        count = await s.scalar(select(func.count()).select_from(ConsultationResponse))
        assert count == 0


async def test_models_match_migrations(engine) -> None:  # type: ignore[no-untyped-def]
    await migrate.check(engine)
