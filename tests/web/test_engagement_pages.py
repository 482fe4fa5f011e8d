"""The consultation and café pages a bulletin links to, as a subscriber opens them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from app import catalogs
from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from engagement.consultations import lifecycle
from newsletter.editions import service as bulletins
from storage.base import utcnow
from storage.cafes import Cafe
from storage.consultations import ConsultationStatus
from storage.engine import SessionFactory
from tests.bot.cafe_support import schedule_cafe
from tests.bot.consultation_support import create_declaration
from tests.fakes.telegram import FakeTelegram
from tests.newsletter.bulletin_samples import build_world

PUBLIC = "https://aive.example.org"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


def web_client(sessions: SessionFactory, **settings: object) -> TestClient:
    app_settings = load_settings(public_url=PUBLIC, timezone="Europe/Lisbon", **settings)
    engine = sessions.kw["bind"]
    return TestClient(TestServer(build_web_app(AppContext(app_settings, engine, sessions))))


@pytest.fixture
async def client(
    sessions: SessionFactory, fake_telegram: FakeTelegram
) -> AsyncIterator[TestClient]:
    token, url = fake_telegram.token, fake_telegram.url
    async with web_client(sessions, telegram_token=token, telegram_api_url=url) as c:
        yield c


async def open_declaration(sessions: SessionFactory) -> int:
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")
    return consultation_id


async def test_an_open_consultation_shows_its_questions_and_a_link_to_answer_in_telegram(
    client: TestClient, sessions: SessionFactory
) -> None:
    consultation_id = await open_declaration(sessions)
    response = await client.get("/consultations/declaration?lang=fr")
    assert response.status == 200
    assert response.headers["Content-Language"] == "fr"
    page = await response.text()
    assert "<h1>Déclaration 2026</h1>" in page
    assert "Ouverte jusqu" in page
    assert "Priorité principale ?" in page and "Climat" in page
    assert "Jusqu'à 2 choix" in page or "Jusqu&#39;à 2 choix" in page
    assert "Une échelle de 1 à 5" in page
    assert "(facultatif)" in page  # the text question is optional
    assert "5 questions" in page
    assert f'href="https://t.me/aive_test_bot?start=c{consultation_id}"' in page
    assert "Répondre dans Telegram" in page


async def test_the_page_follows_the_browser_language(
    client: TestClient, sessions: SessionFactory
) -> None:
    await open_declaration(sessions)
    page = await (
        await client.get("/consultations/declaration", headers={"Accept-Language": "pt-BR"})
    ).text()
    assert "Declaração 2026" in page and "Responder no Telegram" in page
    assert "Prioridade principal?" in page


async def test_a_closed_consultation_thanks_and_offers_no_link(
    client: TestClient, sessions: SessionFactory
) -> None:
    consultation_id = await open_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.closed, actor="t")
    page = await (await client.get("/consultations/declaration?lang=es")).text()
    assert "Cerrada el" in page
    assert "t.me/" not in page
    assert "Responder en Telegram" not in page


async def test_drafts_and_unknown_consultations_are_not_found(
    client: TestClient, sessions: SessionFactory
) -> None:
    await create_declaration(sessions)  # a draft
    assert (await client.get("/consultations/declaration")).status == 404
    assert (await client.get("/consultations/no-such-thing")).status == 404
    assert (await client.get("/consultations/%3Cscript%3E")).status == 404


async def test_without_telegram_the_page_still_tells_how_to_answer(
    sessions: SessionFactory, fake_telegram: FakeTelegram
) -> None:
    await open_declaration(sessions)
    async with web_client(sessions) as no_token:
        page = await (await no_token.get("/consultations/declaration?lang=en")).text()
    assert "open the invitation the association" in page and "t.me/" not in page
    # a token, but Telegram does not answer: the page does not wait or fail
    await fake_telegram.close()
    token, url = fake_telegram.token, fake_telegram.url
    async with web_client(sessions, telegram_token=token, telegram_api_url=url) as down:
        response = await down.get("/consultations/declaration?lang=ca")
        assert response.status == 200
        assert "t.me/" not in await response.text()


async def test_texts_from_the_definition_are_escaped(
    client: TestClient, sessions: SessionFactory
) -> None:
    now = utcnow()
    source = f"""
slug: hostile
title: {{en: "<script>alert(1)</script> Survey"}}
intro: {{en: "<img src=x onerror=alert(2)>"}}
audience: everyone
one_response_per: person
opens_at: {(now - timedelta(days=1)).isoformat()}
closes_at: {(now + timedelta(days=3)).isoformat()}
questions:
  - {{id: q, type: text, text: {{en: "<b onmouseover=x>Why?</b>"}}}}
"""
    async with sessions() as session:
        created = await lifecycle.create_consultation(session, source, actor="t")
        await lifecycle.set_status(session, created.id, ConsultationStatus.open, actor="t")
    page = await (await client.get("/consultations/hostile?lang=en")).text()
    assert "<script>" not in page and "<img" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Survey" in page


async def test_the_link_in_a_bulletin_opens_the_consultation_page(
    client: TestClient, sessions: SessionFactory
) -> None:
    await open_declaration(sessions)
    config = bulletins.BulletinConfig(public_url=PUBLIC)
    async with sessions() as session:
        await build_world(session)
        edition = await bulletins.compose_draft(session, "global", "fr", utcnow(), config=config)
    links = re.findall(rf'href="{re.escape(PUBLIC)}(/consultations/[^"]+)"', edition.html or "")
    assert links, "the bulletin lists the open consultation"
    assert links[0].endswith("?lang=fr")  # the reader's language travels with the link
    response = await client.get(links[0], headers={"Accept-Language": "en-US,en"})
    assert response.status == 200
    assert '<html lang="fr">' in await response.text()


# Cafés -------------------------------------------------------------------------------------

CAFE_START = datetime(2027, 3, 17, 16, 0, tzinfo=UTC)


async def test_an_upcoming_cafe_shows_when_who_and_a_link_to_join(
    client: TestClient, sessions: SessionFactory
) -> None:
    cafe_id, _ = await schedule_cafe(sessions, CAFE_START, utcnow(), capacity=12)
    page = await (await client.get("/cafes/school-streets?lang=fr")).text()
    assert "<h1>Rues scolaires</h1>" in page
    assert "17 mars 2027, 16:00 (heure : Portugal" in page  # Lisbon (the setting): UTC+0 then
    assert "60 minutes" in page and "Conversation en espagnol." in page
    assert "Avec Ana Ruiz, Joaquim Sousa, Alex Moreau." in page
    assert "12 places libres sur 12." in page and "Ouvert à toutes et à tous." in page
    assert f'href="https://t.me/aive_test_bot?start=f{cafe_id}"' in page


async def test_a_finished_cafe_says_so_and_staff_cafes_are_not_public(
    client: TestClient, sessions: SessionFactory
) -> None:
    cafe_id, _ = await schedule_cafe(sessions, CAFE_START, utcnow())
    async with sessions() as session:
        past = utcnow() - timedelta(days=2)
        await session.execute(update(Cafe).where(Cafe.id == cafe_id).values(starts_at=past))
        await session.commit()
    page = await (await client.get("/cafes/school-streets?lang=es")).text()
    assert "Este café ha terminado." in page and "t.me/" not in page
    async with sessions() as session:
        await session.execute(update(Cafe).where(Cafe.id == cafe_id).values(audience="staff"))
        await session.commit()
    assert (await client.get("/cafes/school-streets")).status == 404
    assert (await client.get("/cafes/nothing-here")).status == 404


async def test_bulletins_announce_upcoming_cafes_and_the_link_opens_their_page(
    client: TestClient, sessions: SessionFactory
) -> None:
    soon = utcnow() + timedelta(days=10)
    await schedule_cafe(sessions, soon, utcnow())
    config = bulletins.BulletinConfig(public_url=PUBLIC)
    async with sessions() as session:
        await build_world(session)
        edition = await bulletins.compose_draft(session, "global", "fr", utcnow(), config=config)
    html = edition.html or ""
    assert "Rues scolaires" in html
    assert f'href="{PUBLIC}/cafes/school-streets?lang=fr"' in html
    # a French reader whose browser is set to English lands on the French page
    response = await client.get("/cafes/school-streets?lang=fr", headers={"Accept-Language": "en"})
    assert response.status == 200 and "Rues scolaires" in await response.text()


async def test_staff_only_and_far_away_cafes_stay_out_of_bulletins(
    sessions: SessionFactory,
) -> None:
    cafe_id, _ = await schedule_cafe(sessions, utcnow() + timedelta(days=10), utcnow())
    config = bulletins.BulletinConfig(public_url=PUBLIC)
    async with sessions() as session:
        await build_world(session)
    for change in (
        {"audience": "staff"},
        {"audience": "everyone", "starts_at": utcnow() + timedelta(days=200)},
    ):
        async with sessions() as session:
            await session.execute(update(Cafe).where(Cafe.id == cafe_id).values(**change))
            await session.commit()
            edition = await bulletins.compose_draft(
                session, "global", "en", utcnow(), config=config
            )
        html = edition.html or ""
        assert "School streets" not in html and "/cafes/" not in html, change
