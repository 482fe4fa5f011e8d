"""The networks and cities pages: which networks need attention first, the period form, a
city's history, and CSV exports that say what the pages say."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from storage.engine import SessionFactory
from storage.staff import StaffRole
from tests.web.console.activity_world import activity_world
from tests.web.console.pages_world import signed_in

NAMES = {
    "brazil": "Brazilian Network of Educating Cities",
    "portugal": "Portuguese Network of Educating Cities",
    "spain": "Spanish Network of Educating Cities",
}
ROW = re.compile(r'<tr>\s*<th scope="row"><a href="[^"]*">([^<]+)</a>(.*?)</tr>', re.S)
CELLS = re.compile(r'<td class="num">(?:<strong>)?([^<]*)(?:</strong>)?</td>')


def page_rows(html: str) -> list[tuple[str, list[str]]]:
    """(name, the numbers of its row) of each table row, in order."""
    return [(name, CELLS.findall(rest)) for name, rest in ROW.findall(html)]


async def test_a_network_with_no_activity_ranks_before_every_active_one(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    async with staff.client as client:
        response = await client.get("/console/networks")
        html = await response.text()
    assert response.status == 200
    rows = page_rows(html)
    names = [name for name, _ in rows]
    totals = {name: int(cells[-2]) for name, cells in rows}  # the total, then the score
    brazil, portugal, spain = (NAMES[s] for s in ("brazil", "portugal", "spain"))
    assert totals[brazil] == 0 and totals[spain] > 0
    quiet = [n for n in names if totals[n] == 0]
    assert names[: len(quiet)] == quiet  # every network with nothing comes first
    assert names.index(brazil) < names.index(portugal) < names.index(spain)
    assert "no activity" in html


async def test_the_numbers_and_trend_of_a_city(sessions: SessionFactory, tmp_path: Path) -> None:
    await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    async with staff.client as client:
        html = await (await client.get("/console/cities?preset=30d")).text()
    rows = dict(page_rows(html))
    # published, featured, answered, attended, voted, ideas, total
    assert rows["Barcelona"][:7] == ["6", "1", "1", "0", "0", "1", "9"]
    assert rows["Lisboa"][:7] == ["1", "0", "0", "0", "1", "0", "2"]
    assert rows["Lyon"][:7] == ["2", "0", "0", "1", "0", "0", "3"]
    assert "down 50%" in html  # Lisboa: 2 against 4 items the month before


async def test_bad_dates_are_field_errors_in_the_staff_members_language(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer, language="fr")
    async with staff.client as client:
        wrong = await client.get("/console/networks?from=2026-13-45&to=yesterday")
        backwards = await client.get("/console/cities?from=2026-06-01&to=2026-05-01")
        csv_wrong = await client.get("/console/networks/export.csv?from=nope&to=2026-01-01")
        wrong_html, backwards_html = await wrong.text(), await backwards.text()
    assert wrong.status == backwards.status == csv_wrong.status == 400
    assert "Saisissez une date au format AAAA-MM-JJ" in wrong_html
    assert 'value="2026-13-45"' in wrong_html and 'aria-invalid="true"' in wrong_html
    assert "La date de fin précède la date de début." in backwards_html
    assert (
        "Réseau brésilien des Villes éducatrices" in wrong_html
    )  # the page still shows the last 30 days


async def test_an_unknown_city_is_not_found(sessions: SessionFactory, tmp_path: Path) -> None:
    await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    async with staff.client as client:
        missing = await client.get("/console/cities/999999")
        missing_html = await missing.text()
        not_a_number = await client.get("/console/cities/lyon")
    assert missing.status == 404 and not_a_number.status == 404
    assert "We could not find this page" in missing_html


async def test_a_city_page_tells_its_history_newest_first(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    world = await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    barcelona = world.cities["Barcelona"]
    async with staff.client as client:
        html = await (await client.get(f"/console/cities/{barcelona}")).text()
        nothing = await (await client.get(f"/console/cities/{world.cities['Recife']}")).text()
        far = await client.get(f"/console/cities/{barcelona}?page=99")
        far_html = await far.text()
    events = re.findall(r"<strong>([^<]+)</strong>: ([^<]+)</li>", html)
    assert events[0] == ("Published on its feed", "News barcelona-0")
    assert ("Youth idea sent", "A park for everyone") in events
    assert ("Answered a consultation", "Declaration 2026") in events
    assert len(events) == 10  # 8 items, the answer, the idea
    datetimes = re.findall(r'<time datetime="([^"]+)"', html)
    assert datetimes == sorted(datetimes, reverse=True)
    assert "<svg" in html and "Activity per month" in html
    assert "Nothing has happened in this city yet." in nothing
    assert far.status == 200 and "No older event." in far_html


async def test_the_history_is_paginated(sessions: SessionFactory, tmp_path: Path) -> None:
    from engagement.city_history import city_history

    world = await activity_world(sessions)
    async with sessions() as session:
        first = await city_history(session, world.cities["Barcelona"], "en", page=1, size=4)
        third = await city_history(session, world.cities["Barcelona"], "en", page=3, size=4)
    assert len(first.events) == 4 and first.has_next
    assert len(third.events) == 2 and not third.has_next
    assert first.events[0].at > first.events[-1].at > third.events[0].at


async def test_the_csv_exports_say_what_the_pages_say(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    await activity_world(sessions)
    staff = await signed_in(sessions, tmp_path / "outbox", StaffRole.viewer)
    async with staff.client as client:
        networks_html = await (await client.get("/console/networks?preset=quarter")).text()
        networks_csv = await client.get("/console/networks/export.csv?preset=quarter")
        cities_html = await (await client.get("/console/cities?preset=quarter")).text()
        cities_csv = await client.get("/console/cities/export.csv?preset=quarter")
        assert networks_csv.headers["Content-Type"].startswith("text/csv")
        networks = list(csv.DictReader(io.StringIO(await networks_csv.text())))
        cities = list(csv.DictReader(io.StringIO(await cities_csv.text())))
    kinds = ("published", "featured", "answered", "attended", "voted", "ideas", "total")
    shown = page_rows(networks_html)
    assert len(networks) == len(shown) == 9
    by_slug = {row["network"]: row for row in networks}
    assert networks[0]["network"] in {"argentina", "asia-pacific", "brazil", "mexico"}
    spain = by_slug["spain"]
    assert [spain[k] for k in kinds] == ["8", "1", "1", "0", "0", "1", "11"]
    for (name, cells), row in zip(shown, networks, strict=True):
        assert cells[1:8] == [row[k] for k in kinds], name
    for (name, cells), row in zip(page_rows(cities_html), cities, strict=True):
        assert row["city"] == name
        assert cells[:7] == [row[k] for k in kinds]
