"""The consultation pages: the list, the results a viewer reads (counts, percentages, averages,
rates per network and per country, the cities waiting), the live fragment, the free-text
search; bad input (a broken YAML with its paths, an unknown id, a viewer acting) refused
clearly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.audit import AuditEvent
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.bot.consultation_support import add_city
from tests.web.console.consultation_world import ConsultationWorld, consultation_world, submit
from tests.web.console.pages_world import Staff, signed_in


@pytest.fixture
async def world(sessions: SessionFactory) -> ConsultationWorld:
    return await consultation_world(sessions)


@pytest.fixture
async def viewer(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[Staff]:
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    yield staff
    await staff.client.close()


async def page(staff: Staff, path: str, **headers: str) -> tuple[int, str]:
    response = await staff.client.get(path, headers=headers, allow_redirects=False)
    return response.status, await response.text()


async def test_the_list_shows_each_consultation_with_its_status_and_responses(
    world: ConsultationWorld, viewer: Staff
) -> None:
    status, text = await page(viewer, "/console/consultations")
    assert status == 200
    assert f'href="/console/consultations/{world.consultation_id}">Declaration 2026</a>' in text
    assert 'status-open">open<' in text and "<td>3</td>" in text
    assert "Create a consultation" not in text  # a viewer reads only
    assert 'href="/console/consultations" aria-current="page"' in text


async def test_results_count_options_average_scales_and_rate_per_network_and_country(
    world: ConsultationWorld, viewer: Staff
) -> None:
    status, text = await page(viewer, f"/console/consultations/{world.consultation_id}")
    assert status == 200
    assert '<strong id="submitted">3</strong>' in text
    assert '<strong id="rate">75%</strong> response rate: 3 of 4' in text
    # priority: inclusion 2 of 3, climate 1 of 3
    assert '<th scope="row">Inclusion</th><td>2</td><td>67%</td>' in text
    assert '<th scope="row">Climate</th><td>1</td><td>33%</td>' in text
    # multi choice: shares of the responses that answered it
    assert '<th scope="row">Schools</th><td>2</td><td>67%</td>' in text
    assert "<dt>Average</dt><dd>3.67</dd>" in text  # satisfaction (4 + 2 + 5) / 3
    assert "<dt>Lowest</dt><dd>2</dd>" in text and "<dt>Highest</dt><dd>5</dd>" in text
    assert '<th scope="row">spain</th><td>2</td><td>2</td><td>100%</td>' in text
    assert '<th scope="row">francophone</th><td>0</td><td>1</td><td>0%</td>' in text
    assert '<th scope="row">Spain</th><td>2</td><td>2</td><td>100%</td>' in text
    assert '<th scope="row">France</th><td>0</td><td>1</td><td>0%</td>' in text
    waiting = text.split('id="waiting"')[1].split("</table>")[0]
    assert "Lyon" in waiting and "Barcelona" not in waiting
    assert "1 city has not answered" in text
    assert 'hx-trigger="every 5s"' in text  # open: it refreshes by itself


async def test_the_live_fragment_is_the_results_block_and_moves_with_new_answers(
    world: ConsultationWorld, viewer: Staff, sessions: SessionFactory
) -> None:
    path = f"/console/consultations/{world.consultation_id}/live"
    status, fragment = await page(viewer, path, **{"HX-Request": "true"})
    assert status == 200 and fragment.lstrip().startswith('<section id="live"')
    assert "<html" not in fragment and '<strong id="submitted">3</strong>' in fragment
    await submit(
        sessions,
        world.consultation_id,
        world.cities["Lyon"],
        {"priority": "climate", "actions": ["parks"], "satisfaction": 1, "budget": 0},
    )
    _, fragment = await page(viewer, path, **{"HX-Request": "true"})
    assert '<strong id="submitted">4</strong>' in fragment
    assert '<strong id="rate">100%</strong>' in fragment
    assert "Everyone asked has answered." in fragment


async def test_a_closed_consultation_stops_refreshing(
    sessions: SessionFactory, viewer: Staff
) -> None:
    world = await consultation_world(sessions, status=ConsultationStatus.closed)
    _, text = await page(viewer, f"/console/consultations/{world.consultation_id}")
    assert "hx-trigger=" not in text.split('id="live"')[1].split(">")[0]
    assert 'status-closed" id="status">closed<' in text


async def test_free_text_answers_are_searched_on_the_server_by_pages(
    world: ConsultationWorld, viewer: Staff, sessions: SessionFactory
) -> None:
    base = f"/console/consultations/{world.consultation_id}"
    _, text = await page(viewer, f"{base}?q=ESCOLES")  # case and accents ignored
    texts = text.split('id="texts"')[1]
    assert "Inclusió a totes les escoles" in texts and "Escuelas abiertas" not in texts
    assert "1 answer found" in texts
    _, text = await page(viewer, f"{base}?q=girona")  # the city answering counts too
    assert "Inclusió a totes les escoles" in text.split('id="texts"')[1]
    for n in range(30):
        city = await add_city(sessions, f"Vila {n:02}", "ES", "spain")
        await submit(sessions, world.consultation_id, city, {"why": f"idea {n:02}"})
    _, first = await page(viewer, f"{base}/answers?q=idea", **{"HX-Request": "true"})
    assert first.lstrip().startswith('<div id="texts"') and "30 answers found" in first
    assert "Page 1 of 2" in first and "idea 29" in first and "idea 04" not in first
    assert 'href="?q=idea&amp;page=2#texts"' in first
    _, second = await page(viewer, f"{base}?q=idea&page=2")
    assert (
        "Page 2 of 2" in second
        and "idea 04" in second
        and '<ol class="text-answers" start="26"' in second
    )
    _, nothing = await page(viewer, f"{base}?q=zzz&page=abc")
    assert "0 answers found" in nothing


async def test_an_unknown_consultation_is_a_clear_404(viewer: Staff) -> None:
    for path in (
        "/console/consultations/999",
        "/console/consultations/abc",
        "/console/consultations/999/live",
        "/console/consultations/999/export.xlsx",
        "/console/consultations/999/export.csv",
    ):
        status, text = await page(viewer, path)
        assert status == 404, path
        assert "<html" in text


async def test_a_viewer_can_neither_create_open_close_nor_remind(
    world: ConsultationWorld, viewer: Staff, sessions: SessionFactory
) -> None:
    base = f"/console/consultations/{world.consultation_id}"
    for path in (
        "/console/consultations",
        "/console/consultations/check",
        f"{base}/open",
        f"{base}/close",
        f"{base}/remind",
    ):
        response = await viewer.client.post(
            path, data={"csrf_token": viewer.token}, allow_redirects=False
        )
        assert response.status == 403, path
    _, text = await page(viewer, base)
    assert "Send the reminder" not in text and f"{base}/close" not in text
    async with sessions() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert not [a for a in actions if a.startswith("consultation.") and a != "consultation.create"]
