"""The bulletin service against the database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsletter.editions import service as bulletins
from newsletter.editions.edits import Edits
from newsletter.editions.errors import BulletinError, EditionLocked, EditsError, NotFoundError
from newsletter.editions.values import Period
from storage.audit import AuditEvent
from storage.bulletins import Edition, EditionStatus
from storage.consultations import Consultation, ConsultationStatus
from storage.engine import SessionFactory
from tests.newsletter.bulletin_samples import NOW, World, build_world

CONFIG = bulletins.BulletinConfig(public_url="https://bulletin.example.org")


async def world(sessions: SessionFactory) -> World:
    async with sessions() as s:
        return await build_world(s)


def section_items(edition: Edition) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for section in edition.content["sections"]:
        ids = section.get("items", []) + [a["item"] for a in section.get("agenda", [])]
        found[section["kind"]] = ids
    return found


async def test_draft_takes_series_network_items_and_falls_back_to_other_languages(
    sessions: SessionFactory,
) -> None:
    w = await world(sessions)
    ids = {k: i.id for k, i in w.items.items()}
    async with sessions() as s:
        edition = await bulletins.compose_draft(s, "global", "fr", NOW, config=CONFIG)
    assert edition.status is EditionStatus.draft
    # the cadence (Tuesdays 09:00 Madrid) fired a week before: the period is that week
    assert edition.period_start == NOW - timedelta(days=7)
    assert edition.period_end == NOW
    placed = section_items(edition)
    assert placed["mayors"] == [ids["lyon-2"]]
    assert placed["agenda"] == [ids["dakar-1"]]
    # French first, then Spanish and English items to reach the minimum; never Lisboa (not in
    # the series' networks) nor an item older than the period
    assert placed["news"][0] == ids["lyon-1"]
    assert set(placed["news"]) == {ids["lyon-1"], ids["bcn-1"], ids["bcn-2"]}
    spread = edition.content["spread"]
    assert spread["countries"] == {"ES": 2, "FR": 2, "SN": 1}
    assert spread["other_language"] == 2
    assert edition.subject.startswith("Bulletin des Villes éducatrices")
    assert "News lyon-1" in (edition.html or "") and "News lisboa-1" not in (edition.html or "")
    assert f"https://bulletin.example.org/archive/global/{edition.id}" in (edition.html or "")
    assert "News lyon-1" in (edition.text or "")


async def test_open_consultations_are_listed_with_their_title_in_the_edition_language(
    sessions: SessionFactory,
) -> None:
    await world(sessions)
    async with sessions() as s:
        s.add(
            Consultation(
                slug="day-2026",
                definition={},
                titles={"en": "Declaration 2026", "fr": "Déclaration 2026"},
                audience="everyone",
                one_response_per="city",
                opens_at=NOW - timedelta(days=1),
                closes_at=NOW + timedelta(days=9),
                status=ConsultationStatus.open,
            )
        )
        await s.commit()
        edition = await bulletins.compose_draft(s, "global", "fr", NOW, config=CONFIG)
    kinds = [section["kind"] for section in edition.content["sections"]]
    assert "consultations" in kinds
    assert "Déclaration 2026" in (edition.html or "")
    assert "https://bulletin.example.org/consultations/day-2026?lang=fr" in (edition.html or "")


async def test_period_starts_where_the_last_published_edition_ended(
    sessions: SessionFactory,
) -> None:
    await world(sessions)
    async with sessions() as s:
        first = await bulletins.compose_draft(s, "global", "en", NOW - timedelta(days=2))
        await bulletins.approve(s, first.id, "ana", now=NOW - timedelta(days=2))
        second = await bulletins.compose_draft(s, "global", "en", NOW)
    assert second.id != first.id
    assert second.period_start == first.period_end == NOW - timedelta(days=2)
    # the French draft has its own history
    async with sessions() as s:
        french = await bulletins.compose_draft(s, "global", "fr", NOW)
    assert french.period_start == NOW - timedelta(days=7)


async def test_composing_again_replaces_the_draft_and_keeps_the_staff_edits(
    sessions: SessionFactory,
) -> None:
    w = await world(sessions)
    async with sessions() as s:
        draft = await bulletins.compose_draft(s, "global", "fr", NOW - timedelta(hours=1))
        await bulletins.apply_edits(
            s, draft.id, Edits(excluded=(w.items["bcn-1"].id,), editorial="Bonjour à toutes")
        )
        again = await bulletins.compose_draft(s, "global", "fr", NOW)
        count = await s.scalar(select(func.count()).select_from(Edition))
    assert again.id == draft.id and count == 1
    assert again.period_end == NOW
    assert w.items["bcn-1"].id not in section_items(again)["news"]
    assert again.content["edits"]["excluded"] == [w.items["bcn-1"].id]
    assert "Bonjour à toutes" in (again.html or "")


async def test_an_approved_edition_is_never_replaced(sessions: SessionFactory) -> None:
    await world(sessions)
    async with sessions() as s:
        draft = await bulletins.compose_draft(s, "global", "fr", NOW)
        await bulletins.approve(s, draft.id, "ana", now=NOW)
        with pytest.raises(EditionLocked, match="approved: only a draft can be composed again"):
            await bulletins.compose_draft(
                s, "global", "fr", NOW, period=Period(draft.period_start, NOW)
            )
        with pytest.raises(BulletinError, match="nothing to compose"):
            await bulletins.compose_draft(s, "global", "fr", NOW)
        await s.refresh(draft)
        assert draft.status is EditionStatus.approved


async def test_unknown_series_or_language_is_a_clear_error(sessions: SessionFactory) -> None:
    await world(sessions)
    async with sessions() as s:
        with pytest.raises(NotFoundError, match="no series 'weekly'"):
            await bulletins.compose_draft(s, "weekly", "fr", NOW)
        with pytest.raises(BulletinError, match="not published in 'es'"):
            await bulletins.compose_draft(s, "global", "es", NOW)


async def test_pinned_item_goes_first_even_from_outside_the_period(
    sessions: SessionFactory,
) -> None:
    w = await world(sessions)
    old = w.items["old-1"].id
    async with sessions() as s:
        draft = await bulletins.compose_draft(s, "global", "fr", NOW)
        assert old not in section_items(draft)["news"]
        edited = await bulletins.apply_edits(s, draft.id, Edits(pinned=(old,), subject="Spécial"))
    assert section_items(edited)["news"][0] == old
    assert edited.subject == "Spécial"


async def test_edit_naming_an_unknown_item_changes_nothing(sessions: SessionFactory) -> None:
    await world(sessions)
    async with sessions() as s:
        draft = await bulletins.compose_draft(s, "global", "fr", NOW)
        before = dict(draft.content)
        with pytest.raises(EditsError, match="excluded: no item with id 999") as caught:
            await bulletins.apply_edits(s, draft.id, Edits(excluded=(999,)))
        assert caught.value.field == "excluded"
    async with sessions() as s:
        stored = await bulletins.get_edition(s, draft.id)
        assert stored.content == before


async def test_approve_and_cancel_follow_the_status_rules(sessions: SessionFactory) -> None:
    await world(sessions)
    async with sessions() as s:
        en = await bulletins.compose_draft(s, "global", "en", NOW)
        fr = await bulletins.compose_draft(s, "global", "fr", NOW)
        with pytest.raises(BulletinError, match="in the past"):
            await bulletins.approve(s, en.id, "ana", NOW - timedelta(minutes=1), now=NOW)
        with pytest.raises(BulletinError, match="time zone"):
            await bulletins.approve(s, en.id, "ana", datetime(2026, 3, 11, 9), now=NOW)  # noqa: DTZ001
        scheduled = await bulletins.approve(s, en.id, "ana", NOW + timedelta(hours=3), now=NOW)
        assert scheduled.status is EditionStatus.scheduled
        assert scheduled.send_at == NOW + timedelta(hours=3)
        approved = await bulletins.approve(s, fr.id, "ana", now=NOW)
        assert (approved.status, approved.approved_by) == (EditionStatus.approved, "ana")
        with pytest.raises(EditionLocked, match="only a draft can be approved"):
            await bulletins.approve(s, fr.id, "ana", now=NOW)
        with pytest.raises(EditionLocked, match="only a draft is edited"):
            await bulletins.apply_edits(s, fr.id, Edits(editorial="late"))
        cancelled = await bulletins.cancel(s, fr.id, "ana")
        assert cancelled.status is EditionStatus.cancelled
        with pytest.raises(EditionLocked, match="cannot be cancelled"):
            await bulletins.cancel(s, fr.id, "ana")
        actions = (await s.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions.count("bulletin.approve") == 2 and actions[-1] == "bulletin.cancel"
    with pytest.raises(NotFoundError):
        async with sessions() as s:
            await bulletins.approve(s, 4242, "ana")


def test_now_must_be_aware() -> None:
    assert NOW.tzinfo is UTC
