"""Youth moderation in the console: moderators see the waiting ideas with their photo or voice
note (fetched once from the fake Telegram through our bot, then from disk), decide them with
the bot's domain call, and each author is told in their language over the Bot API. Editors,
viewers and visitors see none of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from engagement.forgetting import forget_person
from storage.audit import AuditEvent
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus, Series
from storage.engine import SessionFactory
from storage.people import Person
from storage.staff import StaffRole
from storage.youth import SubmissionStatus, YouthSubmission
from tests.fakes.telegram import FakeTelegram
from tests.web.console.helpers import add_member, console_app, csrf_token, sign_in_as
from tests.web.console.youth_world import PHOTO, VOICE, youth_console, youth_world


async def client_as(
    sessions: SessionFactory, tmp_path: Path, fake: FakeTelegram, role: StaffRole | None, **kw: str
) -> TestClient:
    app, _desk, _shelf = youth_console(sessions, tmp_path, fake)
    client = TestClient(TestServer(app))
    await client.start_server()
    if role is not None:
        await sign_in_as(client, sessions, await add_member(sessions, role, **kw))
    return client


async def decide(client: TestClient, idea: int, action: str, reason: str = "") -> ClientResponse:
    token = await csrf_token(client, "/console/youth")
    return await client.post(
        f"/console/youth/{idea}/decision",
        data={"csrf_token": token, "action": action, "reason": reason},
        allow_redirects=False,
    )


async def status_of(sessions: SessionFactory, idea: int) -> SubmissionStatus:
    async with sessions() as session:
        found = await session.get_one(YouthSubmission, idea)
        return found.status


async def test_moderator_sees_each_idea_with_its_media_age_and_guardian(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        page = await client.get("/console/youth")
        html = await page.text()
    assert page.status == 200
    assert html.index("Safe bike lanes to school") < html.index("Un skatepark près du lycée")
    assert f'<img src="/console/youth/{world.photo_idea}/media"' in html
    assert f'<audio controls preload="none" src="/console/youth/{world.voice_idea}/media"' in html
    assert "Under 16" in html and "16 or 17" in html
    assert "Changwon (KR)" in html and "Signed</dt><dd>Yuna" in html
    assert "The author reads Spanish" in html and "The author reads French" in html
    assert '<a href="/console/youth" aria-current="page">' in html  # in the menu
    assert fake_telegram.calls_to("getFile") == []  # nothing fetched until the browser asks


@pytest.mark.parametrize("role", [StaffRole.editor, StaffRole.viewer])
async def test_editors_and_viewers_get_403_on_every_youth_route(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram, role: StaffRole
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, role)
    async with client:
        token = await csrf_token(client, "/console/")
        for path in ("/console/youth", "/console/youth/published"):
            assert (await client.get(path)).status == 403
        media = await client.get(f"/console/youth/{world.photo_idea}/media")
        assert media.status == 403 and PHOTO not in await media.read()
        post = await client.post(
            f"/console/youth/{world.photo_idea}/decision",
            data={"csrf_token": token, "action": "approve"},
        )
        assert post.status == 403
        menu = await (await client.get("/console/")).text()
    assert 'href="/console/youth"' not in menu
    assert await status_of(sessions, world.photo_idea) is SubmissionStatus.pending
    assert fake_telegram.calls_to("getFile") == []


async def test_visitors_are_sent_to_sign_in_for_the_media(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, None)
    async with client:
        media = await client.get(f"/console/youth/{world.photo_idea}/media", allow_redirects=False)
    assert media.status == 303
    assert media.headers["Location"].startswith("/console/sign-in?next=")


async def test_media_is_fetched_once_through_getfile_then_served_privately_from_disk(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        first = await client.get(f"/console/youth/{world.photo_idea}/media")
        second = await client.get(f"/console/youth/{world.photo_idea}/media")
        voice = await client.get(f"/console/youth/{world.voice_idea}/media")
        assert await first.read() == PHOTO and await second.read() == PHOTO
        assert await voice.read() == VOICE
    assert first.content_type == "image/jpeg" and voice.content_type == "audio/ogg"
    for response in (first, second, voice):
        assert response.headers["Cache-Control"] == "private, no-store"
    assert len(fake_telegram.calls_to("getFile")) == 2  # one per file, never again
    kept = tmp_path / "youth-media" / f"{world.photo_idea}.media"
    assert kept.read_bytes() == PHOTO
    assert kept.stat().st_mode & 0o077 == 0  # the server's user only


async def test_forgetting_the_author_deletes_the_cached_media(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    app, _desk, shelf = youth_console(sessions, tmp_path, fake_telegram)
    async with TestClient(TestServer(app)) as client:
        await sign_in_as(client, sessions, await add_member(sessions, StaffRole.moderator))
        assert (await client.get(f"/console/youth/{world.photo_idea}/media")).status == 200
    assert shelf.path(world.photo_idea).exists()
    async with sessions() as session:
        yuna = await session.get_one(Person, world.yuna_person)
        await forget_person(session, yuna, media=shelf)
        await session.commit()
    assert not shelf.path(world.photo_idea).exists()


async def test_approving_tells_the_author_in_their_language_and_is_audited(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        response = await decide(client, world.photo_idea, "approve")
        assert response.status == 303
        page = await client.get(response.headers["Location"])
        assert "Approved: the author was told." in await page.text()
        assert "Safe bike lanes to school" not in await page.text()
    [told] = fake_telegram.sent_messages(world.yuna.id)
    assert (told.text or "").startswith("¡Buenas noticias! El secretariado ha aprobado tu idea")
    assert await status_of(sessions, world.photo_idea) is SubmissionStatus.approved
    async with sessions() as session:
        approved = select(AuditEvent).where(AuditEvent.action == "youth.approved")
        event = await session.scalar(approved)
    assert event is not None and event.actor.startswith("staff:") and event.face == "console"
    assert event.subject == f"youth_submission:{world.photo_idea}"


async def test_rejecting_without_a_reason_is_refused_in_the_staff_members_language(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator, language="fr")
    async with client:
        refused = await decide(client, world.voice_idea, "reject", "   ")
        html = await refused.text()
        assert refused.status == 422
        assert "Veuillez écrire la raison : le jeune la lira." in html
        assert f'id="reason-{world.voice_idea}" name="reason"' in html
        assert 'aria-invalid="true"' in html
        too_long = await decide(client, world.voice_idea, "changes", "x" * 501)
        assert too_long.status == 422
        unknown = await decide(client, world.voice_idea, "publish-now")
        assert unknown.status == 422
    assert await status_of(sessions, world.voice_idea) is SubmissionStatus.pending
    assert fake_telegram.sent_messages(world.tomas.id) == []


async def test_rejecting_with_a_reason_tells_the_author_why_in_french(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        done = await decide(client, world.voice_idea, "reject", "Le lieu est privé.")
        assert done.status == 303
    [told] = fake_telegram.sent_messages(world.tomas.id)
    assert (told.text or "").startswith("Merci pour ton idée « Un skatepark près du lycée »")
    assert "Le lieu est privé." in (told.text or "")


async def test_unknown_ideas_are_404_and_a_decided_idea_is_not_decided_twice(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator, language="es")
    async with client:
        assert (await decide(client, 999_999, "approve")).status == 404
        assert (await client.get("/console/youth/999999/media")).status == 404
        assert (await client.get("/console/youth/abc/media")).status == 404
        assert (await decide(client, world.photo_idea, "approve")).status == 303
        again = await decide(client, world.photo_idea, "reject", "Demasiado tarde")
        assert again.status == 409
        assert "Alguien ya ha decidido sobre esta idea" in await again.text()
        no_reason = await decide(client, world.photo_idea, "reject")  # still the clear message
        assert no_reason.status == 409
    assert len(fake_telegram.sent_messages(world.yuna.id)) == 1  # told once, not twice
    assert await status_of(sessions, world.photo_idea) is SubmissionStatus.approved


async def test_published_page_says_where_each_approved_idea_went(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        await decide(client, world.photo_idea, "approve")
        await decide(client, world.voice_idea, "approve")
        async with sessions() as session:
            series = Series(slug="global", titles={"en": "Educating Cities"}, languages=["en"])
            session.add(series)
            await session.flush()
            now = utcnow()
            edition = Edition(
                series_id=series.id,
                language="en",
                period_start=now,
                period_end=now,
                status=EditionStatus.sent,
                sent_at=now,
                content={"sections": [{"kind": "youth", "youth": [world.photo_idea]}]},
            )
            session.add(edition)
            for idea in (world.photo_idea, world.voice_idea):
                (await session.get_one(YouthSubmission, idea)).published = True
            await session.commit()
        html = await (await client.get("/console/youth/published")).text()
    # the latest decision first
    voice_row = html[html.index("Un skatepark") : html.index("Safe bike lanes")]
    photo_row = html[html.index("Safe bike lanes") :]
    link = f'href="/console/bulletins/editions/{edition.id}">Educating Cities · English'
    assert link in photo_row
    assert "(sent," in photo_row and "International Day kit" not in photo_row
    assert f"International Day kit {utcnow().year}" in voice_row


async def test_a_file_telegram_no_longer_has_is_a_clear_502_and_nothing_is_kept(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    async with sessions() as session:
        (await session.get_one(YouthSubmission, world.photo_idea)).media_file_id = "BQACgone"
        await session.commit()
    client = await client_as(sessions, tmp_path, fake_telegram, StaffRole.moderator)
    async with client:
        media = await client.get(f"/console/youth/{world.photo_idea}/media")
        assert media.status == 502
        assert "Telegram did not give this file" in await media.text()
    assert media.headers["Cache-Control"] == "private, no-store"
    assert not (tmp_path / "youth-media" / f"{world.photo_idea}.media").exists()


async def test_without_the_bot_a_decision_is_kept_and_the_page_says_nobody_was_told(
    sessions: SessionFactory, tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    world = await youth_world(sessions, fake_telegram)
    async with TestClient(TestServer(console_app(sessions, tmp_path / "outbox"))) as client:
        await sign_in_as(client, sessions, await add_member(sessions, StaffRole.owner))
        queue = await (await client.get("/console/youth")).text()
        assert "The bot is not configured here" in queue
        assert (await client.get(f"/console/youth/{world.photo_idea}/media")).status == 502
        done = await decide(client, world.photo_idea, "approve")
        page = await client.get(done.headers["Location"])
        assert "the author was not told" in await page.text()
    assert await status_of(sessions, world.photo_idea) is SubmissionStatus.approved
    assert fake_telegram.sent_messages(world.yuna.id) == []
