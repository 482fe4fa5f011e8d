"""The poll pages: a poll created with the form (the domain's checks, each problem next to its
field in the staff member's language), the list, and the results merged across languages and
per network, as a chart the page refreshes by itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.base import utcnow
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from storage.polls import Poll, PollVote
from storage.staff import StaffRole
from tests.web.console.people_world import PeopleWorld, Staff, people_world, signed_in

SOON = (utcnow() + timedelta(days=3)).astimezone(ZoneInfo("Europe/Madrid"))


def theme_form(token: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "question_en": "Which theme for 2027?",
        "question_pt": "Que tema para 2027?",
        "option_0_en": "Inclusion",
        "option_0_pt": "Inclusão",
        "option_1_en": "Climate",
        "option_1_pt": "Clima",
        "option_2_en": "Culture",
        "option_2_pt": "Cultura",
        "audience": "city_representatives",
        "closes_at": SOON.strftime("%Y-%m-%dT%H:%M"),
    }
    return {k: v for k, v in (form | changes).items() if v != ""}


@pytest.fixture
async def world(sessions: SessionFactory) -> PeopleWorld:
    return await people_world(sessions)


@pytest.fixture
async def ines(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox")
    yield staff
    await staff.client.close()


async def test_a_poll_made_with_the_form_is_sent_to_its_audience(
    world: PeopleWorld, ines: Staff, sessions: SessionFactory
) -> None:
    response = await ines.client.post("/console/polls", data=theme_form(ines.token))
    page = await response.text()
    assert response.status == 200 and "Poll created: the bot is sending it now." in page
    assert "<h1>Which theme for 2027?</h1>" in page
    async with sessions() as session:
        poll = (await session.scalars(select(Poll))).one()
        chats = (await session.scalars(select(BroadcastMessage.chat_id))).all()
        events = (await session.scalars(select(AuditEvent.action))).all()
    assert poll.slug == "which-theme-for-2027-" + utcnow().strftime("%Y-%m-%d")
    assert poll.option_ids == ["inclusion", "climate", "culture"]
    assert poll.languages == ["en", "pt"]
    assert abs(poll.closes_at - SOON.replace(second=0, microsecond=0)) < timedelta(seconds=1)
    assert len(chats) == 1  # Ana, Lisboa's representative
    assert "poll.create" in events
    listed = await (await ines.client.get("/console/polls")).text()
    assert f'href="/console/polls/{poll.id}"' in listed and "Which theme for 2027?" in listed


async def test_bad_input_is_shown_next_to_each_field_in_spanish(
    world: PeopleWorld, sessions: SessionFactory, tmp_path: Path
) -> None:
    ines = await signed_in(sessions, tmp_path / "outbox", language="es")
    try:
        response = await ines.client.post(
            "/console/polls",
            data=theme_form(
                ines.token,
                option_1_pt="",  # the option lacks one of the question's languages
                option_2_en="",
                option_2_pt="",  # an empty option is left out
                closes_at="tomorrow",
            ),
        )
        page = await response.text()
        empty = await ines.client.post(
            "/console/polls",
            data=theme_form(
                ines.token, option_1_en="", option_1_pt="", option_2_en="", option_2_pt=""
            ),
        )
        one = await empty.text()
    finally:
        await ines.client.close()
    assert response.status == 422
    assert "El sondeo no se ha creado" in page
    assert 'id="option_1_pt" name="option_1_pt"' in page
    assert 'aria-invalid="true" aria-describedby="closes_at-error"' in page
    assert 'aria-invalid="true" aria-describedby="option_1_pt-error"' in page
    assert 'value="Climate"' in page  # what was typed stays
    assert empty.status == 422
    assert 'id="options-error"' in one and "de 2 a 10 opciones" in one
    async with sessions() as session:
        assert (await session.scalars(select(Poll))).all() == []
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_results_merge_languages_and_split_per_network_and_refresh(
    world: PeopleWorld, ines: Staff, sessions: SessionFactory
) -> None:
    form = theme_form(ines.token, question_ca="Quin tema?", option_0_ca="Inclusió")
    form |= {"option_1_ca": "Clima", "option_2_ca": "Cultura"}
    created = await ines.client.post("/console/polls", data=form, allow_redirects=False)
    poll_path = created.headers["Location"].split("?")[0]
    async with sessions() as session:
        poll = (await session.scalars(select(Poll))).one()
        voters = [
            ("pt", "Lisboa", ["inclusion"]),
            ("ca", "Barcelona", ["inclusion"]),
            ("en", "Barcelona", ["climate"]),
        ]
        for n, (language, city, chosen) in enumerate(voters):
            person = Person(telegram_id=7000 + n, display_name=f"V{n}", language=language)
            person.roles = [PersonRole(role=Role.city_representative, city_id=world.cities[city])]
            session.add(person)
            await session.flush()
            session.add(
                PollVote(
                    poll_id=poll.id,
                    person_id=person.id,
                    city_id=world.cities[city],
                    language=language,
                    option_ids=chosen,
                )
            )
        await session.commit()
    page = await (await ines.client.get(poll_path)).text()
    assert "3 people answered" in page
    assert 'hx-get="/console/polls/' in page and 'hx-trigger="every 5s"' in page
    assert (
        '<desc id="all-desc">Inclusion: 2 (67%); Climate: 1 (33%); Culture: 0 (0%)</desc>' in page
    )
    assert "Network portugal (1)" in page and "Network spain (2)" in page
    assert "Answers per language: Català 1, English 1, Português 1" in page
    fragment = await ines.client.get(poll_path, headers={"HX-Request": "true"})
    text = await fragment.text()
    assert text.lstrip().startswith('<section id="results"') and "<html" not in text


async def test_an_unknown_poll_is_404_and_a_viewer_cannot_create(
    world: PeopleWorld, sessions: SessionFactory, tmp_path: Path
) -> None:
    viewer = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    try:
        for path in ("/console/polls/999", "/console/polls/abc"):
            response = await viewer.client.get(path)
            assert response.status == 404 and "<h1" in await response.text()
        listed = await (await viewer.client.get("/console/polls")).text()
        assert "Create a poll" not in listed
        refused = await viewer.client.post("/console/polls", data=theme_form(viewer.token))
        assert refused.status == 403
    finally:
        await viewer.client.close()
    async with sessions() as session:
        assert (await session.scalars(select(Poll))).all() == []


async def test_a_french_moderator_reads_the_poll_list_in_the_words_of_polls(
    world: PeopleWorld, sessions: SessionFactory, tmp_path: Path
) -> None:
    """A short word is translated by the page's own catalog first: "open" for a poll (un
    sondage) is "ouvert", where the consultation pages say "ouverte"."""
    claire = await signed_in(sessions, tmp_path / "outbox", language="fr")
    try:
        form = theme_form(claire.token, question_fr="Quel thème ?", option_0_fr="Inclusion")
        form |= {"option_1_fr": "Climat", "option_2_fr": "Culture"}
        created = await claire.client.post("/console/polls", data=form, allow_redirects=False)
        assert created.status == 303
        page = await (await claire.client.get("/console/polls")).text()
        assert "<td>ouvert</td>" in page
        assert "<td>ouverte</td>" not in page
    finally:
        await claire.client.close()
