"""The console's desk over a stored draft: pin, move, subject, the proof, and the figures the
pages draw (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from newsletter.editions import desk, proof
from newsletter.editions import review as draft_review
from newsletter.editions import service as bulletins
from newsletter.editions.errors import EditionLocked, EditsError
from newsletter.subscriptions.mailer import MemoryMailer
from storage.audit import AuditEvent
from storage.deliveries_queries import EditionStats
from storage.engine import SessionFactory
from storage.errors import NotFound
from tests.newsletter.bulletin_samples import NOW, build_world

CONFIG = bulletins.BulletinConfig(public_url="https://bulletin.example.org")


async def _draft(sessions: SessionFactory) -> int:
    async with sessions() as s:
        await build_world(s)
        edition = await bulletins.compose_draft(s, "global", "fr", NOW, config=CONFIG)
        return edition.id


async def test_pin_and_move_change_the_order_readers_see(sessions: SessionFactory) -> None:
    edition_id = await _draft(sessions)
    async with sessions() as s:
        edition = await bulletins.get_edition(s, edition_id)
        news = next(x["items"] for x in edition.content["sections"] if x["kind"] == "news")
        last = news[-1]
        edition = await desk.move_item(s, edition_id, last, -1, CONFIG, "staff:ines")
        after = next(x["items"] for x in edition.content["sections"] if x["kind"] == "news")
        assert after.index(last) == len(news) - 2
        edition = await desk.toggle_pin(s, edition_id, last, CONFIG, "staff:ines")
        items = await desk.draft_items(s, edition)
        assert [i.id for i in items if i.pinned] == [last]
        pinned_first = next(x["items"] for x in edition.content["sections"] if x["kind"] == "news")
        assert pinned_first[0] == last
        actions = (await s.scalars(select(AuditEvent.action))).all()
        assert actions.count("bulletin.edit") == 2


async def test_moving_an_item_the_draft_does_not_show_is_refused(
    sessions: SessionFactory,
) -> None:
    edition_id = await _draft(sessions)
    async with sessions() as s:
        with pytest.raises(EditsError, match="not in this draft"):
            await desk.move_item(s, edition_id, 99999, 1, CONFIG, "staff")
        with pytest.raises(NotFound):
            await desk.move_item(s, 99999, 1, 1, CONFIG, "staff")


async def test_subject_is_one_line_and_empty_brings_the_default_back(
    sessions: SessionFactory,
) -> None:
    edition_id = await _draft(sessions)
    async with sessions() as s:
        default = (await bulletins.get_edition(s, edition_id)).subject
        edition = await desk.set_subject(s, edition_id, "  Mars: les villes  ", CONFIG, "staff")
        assert edition.subject == "Mars: les villes"
        with pytest.raises(EditsError, match="single line"):
            await desk.set_subject(s, edition_id, "a\nb", CONFIG, "staff")
        with pytest.raises(EditsError, match="at most"):
            await desk.set_subject(s, edition_id, "x" * 301, CONFIG, "staff")
        edition = await desk.set_subject(s, edition_id, "", CONFIG, "staff")
        assert edition.subject == default


async def test_a_left_out_item_is_listed_apart_and_a_sent_draft_is_locked(
    sessions: SessionFactory,
) -> None:
    edition_id = await _draft(sessions)
    async with sessions() as s:
        edition = await bulletins.get_edition(s, edition_id)
        first = draft_review.shown_item_ids(edition.content)[0]
        edition = await draft_review.toggle_item(s, edition_id, first, CONFIG, "staff")
        items = await desk.draft_items(s, edition)
        assert items[-1].id == first and items[-1].left_out
        await bulletins.cancel(s, edition_id, "staff")
        with pytest.raises(EditionLocked):
            await desk.toggle_pin(s, edition_id, first, CONFIG, "staff")


async def test_proof_goes_to_my_address_marked_as_a_test(sessions: SessionFactory) -> None:
    edition_id = await _draft(sessions)
    mailer = MemoryMailer()
    async with sessions() as s:
        await proof.send_proof(
            s,
            edition_id,
            to="ines@secretariat.org",
            to_name="Inés",
            mailer=mailer,
            public_url="https://bulletin.example.org",
            actor="staff:ines",
        )
        await s.commit()
    [message] = mailer.sent
    assert message.to == "ines@secretariat.org"
    assert message.subject.startswith("[TEST] Bulletin des Villes éducatrices")
    assert "[[aive:" not in message.html and "[[aive:" not in message.text
    mailer.fail = True
    async with sessions() as s:
        with pytest.raises(proof.ProofError):
            await proof.send_proof(
                s,
                edition_id,
                to="x@example.org",
                to_name=None,
                mailer=mailer,
                public_url="https://bulletin.example.org",
                actor="staff",
            )


def test_bars_keep_the_largest_and_sum_the_rest() -> None:
    counts = {f"c{i}": i for i in range(1, 11)}
    shown = desk.bars(counts, limit=3)
    assert [(b.label, b.count) for b in shown] == [("c10", 10), ("c9", 9), ("c8", 8), ("…", 28)]
    assert shown[0].share == pytest.approx(10 / 28) and shown[-1].share == 1.0
    assert desk.bars({}) == []


def test_progress_and_outcomes_of_a_send() -> None:
    stats = EditionStats(1, "sending", queued=30, sending=10, accepted=55, failed=5, opened=20)
    progress = desk.progress(stats)
    assert (progress.done, progress.total, progress.percent, progress.finished) == (
        60,
        100,
        60,
        False,
    )
    bars = {b.label: b for b in desk.outcome_bars(stats)}
    assert bars["accepted"].share == 1.0 and bars["opened"].count == 20
    assert desk.progress(EditionStats(1, "sent", accepted=3)).finished


def test_editorial_markdown_preview_shows_html_as_text() -> None:
    html = desk.editorial_preview(
        "**Hola** [web](https://a.org) [x](javascript:alert(1))\n\n<script>x()</script>"
    )
    assert "<strong>Hola</strong>" in html
    assert 'href="https://a.org"' in html
    assert 'href="javascript' not in html
    assert "<script>" not in html and "&lt;script&gt;" in html


async def test_the_email_renders_the_editorials_markdown(sessions: SessionFactory) -> None:
    edition_id = await _draft(sessions)
    async with sessions() as s:
        edition = await draft_review.set_editorial(
            s, edition_id, "Un mois **riche**.\n\nVoir [le site](https://a.org).", CONFIG, "staff"
        )
    assert "<strong>riche</strong>" in (edition.html or "")
    assert 'href="https://a.org"' in (edition.html or "")
    assert "Un mois **riche**." in (edition.text or "")
