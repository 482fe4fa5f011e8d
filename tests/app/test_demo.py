"""`aive demo load` (what `make run` shows a newcomer): example cities, feeds, a café and a
consultation, and a first bulletin in five languages that announces both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import app
from app.context import AppContext
from app.demo import load_demo
from app.settings import load_settings
from app.web import build_web_app
from engagement.consultations import lifecycle
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus
from storage.cafes import Cafe
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory
from storage.seed import load_seed

runner = CliRunner()


@pytest.mark.timeout(120)
async def test_the_demo_shows_a_bulletin_with_the_cafe_and_the_consultation_once(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    settings = load_settings(public_url="http://127.0.0.1:8080", outbox_dir=tmp_path / "outbox")
    async with sessions() as session:  # what `aive db upgrade` loads before `make run`'s demo
        await load_seed(session)
        await session.commit()
    report = await load_demo(settings, sessions)
    assert report.loaded and report.cities >= 5 and report.items > 0 and report.editions == 5
    async with sessions() as session:
        cafe = await session.scalar(select(Cafe).where(Cafe.slug == "cafe-school-streets"))
        consultation = await session.scalar(
            select(Consultation).where(Consultation.slug == "day-2026-declaration")
        )
        editions = (await session.scalars(select(Edition))).all()
    assert cafe is not None and consultation is not None
    assert consultation.status == ConsultationStatus.open
    assert {e.status for e in editions} == {EditionStatus.approved}
    catalan = next(e for e in editions if e.language == "ca")
    html = catalan.html or ""
    assert (
        "Camins escolars" in html
        and 'href="http://127.0.0.1:8080/cafes/cafe-school-streets?lang=ca"' in html
    )
    assert re.search(
        r'href="http://127\.0\.0\.1:8080/consultations/day-2026-declaration\?lang=ca"', html
    )
    again = await load_demo(settings, sessions)
    assert not again.loaded  # a second `make run` loads nothing twice


def test_first_run_loads_example_feeds_once(cli_seeded_database: str) -> None:
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert (
        "5 example cities, 5 feeds, 15 items, 1 virtual café, 1 open consultation and "
        "5 bulletins loaded" in first.output
    )
    again = runner.invoke(app, ["demo", "load"])
    assert "nothing loaded" in again.output
    items = json.loads(runner.invoke(app, ["items", "list", "--json"]).stdout)
    assert {i["language"] for i in items} == {"ca", "fr", "es", "pt", "en"}
    portugal = json.loads(
        runner.invoke(app, ["items", "list", "--network", "portugal", "--json"]).stdout
    )
    assert len(portugal) == 3 and all(i["language"] == "pt" for i in portugal)


@pytest.mark.timeout(120)
async def test_the_readmes_consultation_example_works_right_after_the_demo(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"aive consultations create (examples/consultations/\S+\.yaml)", readme)
    assert found, "the README shows how to create a consultation"
    settings = load_settings(public_url="http://127.0.0.1:8080", outbox_dir=tmp_path / "outbox")
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    await load_demo(settings, sessions)
    source = (Path(__file__).parents[2] / found.group(1)).read_text(encoding="utf-8")
    async with sessions() as session:  # as `aive consultations create` does, today
        created = await lifecycle.create_consultation(session, source, actor="cli", now=utcnow())
    assert created.status == ConsultationStatus.draft and created.closes_at > utcnow()


@pytest.mark.timeout(120)
async def test_the_demo_bulletin_shows_pictures_the_web_app_serves(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    public = "http://127.0.0.1:8080"
    settings = load_settings(public_url=public, outbox_dir=tmp_path / "outbox")
    async with sessions() as session:
        await load_seed(session)
        await session.commit()
    await load_demo(settings, sessions)
    async with sessions() as session:
        catalan = await session.scalar(select(Edition).where(Edition.language == "ca"))
    assert catalan is not None
    pictures = re.findall(r'<img[^>]+src="([^"]+)"', catalan.html or "")
    assert f"{public}/demo/img/port.jpg" in pictures
    assert not [p for p in pictures if ".example/" in p]  # no picture nobody serves
    app = build_web_app(AppContext(settings, sessions.kw["bind"], sessions))
    async with TestClient(TestServer(app)) as client:
        image = await client.get("/demo/img/port.jpg")
        assert image.status == 200 and image.content_type == "image/jpeg"
        assert (await client.get("/demo/img/../cities.csv")).status == 404
