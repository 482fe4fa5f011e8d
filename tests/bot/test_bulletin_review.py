"""Inés reviews the month's draft in chat: preview in the browser, leave an item out, write the
editorial, approve; nobody else can."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from newsletter.editions import review as draft_review
from newsletter.editions import service as bulletins
from newsletter.editions.review import EDITORIAL_LIMIT, shown_item_ids
from newsletter.editions.service import BulletinConfig
from storage.base import utcnow
from storage.bulletins import Edition, EditionStatus
from storage.bulletins_queries import due_scheduled_editions
from tests.bot.conftest import SIGNING_KEY, Harness, button_data
from tests.bot.consultation_support import callback_answer
from tests.fakes.telegram_objects import FakeMessage, FakeUser
from tests.newsletter.bulletin_samples import NOW, build_world


async def draft_waiting(harness: Harness) -> Edition:
    async with harness.sessions() as session:
        await build_world(session)
        return await bulletins.compose_draft(
            session,
            "global",
            "en",
            NOW,
            config=BulletinConfig(public_url=harness.config.public_url),
        )


async def draft_without_news(harness: Harness) -> Edition:
    """A draft whose news items were all left out but which still opens with an editorial."""
    draft = await draft_waiting(harness)
    config = BulletinConfig(public_url=harness.config.public_url)
    async with harness.sessions() as session:
        await draft_review.set_editorial(
            session, draft.id, "Un mes tranquilo en las ciudades.", config, "test"
        )
        for item_id in shown_item_ids(draft.content or {}):
            draft = await draft_review.toggle_item(session, draft.id, item_id, config, "test")
    assert bulletins.news_count(draft.content) == 0 and draft.editorial
    return draft


async def edition(harness: Harness, edition_id: int) -> Edition:
    async with harness.sessions() as session:
        return await bulletins.get_edition(session, edition_id)


async def staff_member(harness: Harness) -> FakeUser:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    return ines


async def card_of(harness: Harness, ines: FakeUser) -> FakeMessage:
    await harness.say(ines, "/bulletins")
    return harness.fake.last_message(ines.id)


async def test_no_draft_waiting_is_said_plainly(harness: Harness) -> None:
    ines = await staff_member(harness)
    assert (
        await harness.say(ines, "/bulletins")
    ).text == "No hay ningún borrador de boletín pendiente."


async def test_staff_previews_the_draft_in_the_browser_through_a_signed_link(
    harness: Harness,
) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    assert f"{len(shown_item_ids(draft.content or {}))} noticias" in (card.text or "")
    link = next(b["url"] for b in card.buttons if b.get("url"))
    settings = load_settings(secret_key=SIGNING_KEY)
    engine = harness.sessions.kw["bind"]
    site = build_web_app(AppContext(settings, engine, harness.sessions))
    async with TestClient(TestServer(site)) as client:
        page = await client.get(urlsplit(link).path)
        assert page.status == 200
        assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
        html = await page.text()
        assert "Draft: not published yet" in html and (draft.subject or "") in html
        token = urlsplit(link).path.rsplit("/", 1)[1]
        for forged in (token[:-2] + "xx", "1", token + "a"):
            assert (await client.get(f"/archive/preview/{forged}")).status == 404
        # the public archive still does not show the draft
        assert (await client.get(f"/archive/global/{draft.id}")).status == 404


async def test_staff_leaves_an_item_out_and_puts_it_back(harness: Harness) -> None:
    draft = await draft_waiting(harness)
    first = shown_item_ids(draft.content or {})[0]
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Noticias"))
    items = harness.fake.last_message(ines.id)
    assert items.text == "Pulse una noticia para quitarla (✕) o volver a ponerla (↺)."
    toggle = next(
        b["callback_data"] for b in items.buttons if b["callback_data"].endswith(f":{first}")
    )
    await harness.press(ines, items, toggle)
    assert callback_answer(harness) == "Hecho: el borrador se ha recompuesto."
    changed = await edition(harness, draft.id)
    assert first not in shown_item_ids(changed.content or {})
    assert bulletins.current_edits(changed).excluded == (first,)
    labels = {b["callback_data"]: b["text"] for b in items.buttons}
    assert labels[toggle].startswith("↺")
    await harness.press(ines, items, toggle)
    back = await edition(harness, draft.id)
    assert first in shown_item_ids(back.content or {})
    assert bulletins.current_edits(back).excluded == ()


async def test_a_draft_with_every_item_left_out_is_not_approved_and_says_why(
    harness: Harness,
) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Noticias"))
    items = harness.fake.last_message(ines.id)
    for item_id in shown_item_ids(draft.content or {}):
        toggle = next(
            b["callback_data"] for b in items.buttons if b["callback_data"].endswith(f":{item_id}")
        )
        await harness.press(ines, items, toggle)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    assert callback_answer(harness) == (
        "Este borrador ya no tiene ninguna noticia: vuelva a poner al menos una (Noticias) "
        "y apruébelo."
    )
    assert (await edition(harness, draft.id)).status is EditionStatus.draft


async def test_approving_an_edition_without_news_asks_first_and_keeping_it_leaves_a_draft(
    harness: Harness,
) -> None:
    draft = await draft_without_news(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    asked = harness.fake.last_message(ines.id)
    assert "⚠️ Esta edición no tiene ninguna noticia. ¿Desea aprobarla de todos modos?" in (
        asked.text or ""
    )
    assert [b["text"] for b in asked.buttons] == ["Aprobar sin noticias", "Mantener el borrador"]
    assert (await edition(harness, draft.id)).status is EditionStatus.draft  # not yet
    await harness.press(ines, asked, button_data(asked, "Mantener el borrador"))
    assert callback_answer(harness) == "No aprobada: la edición sigue siendo un borrador."
    kept = await edition(harness, draft.id)
    assert kept.status is EditionStatus.draft and kept.approved_at is None
    back = harness.fake.last_message(ines.id)  # the card again, with its buttons
    assert "No aprobada: la edición sigue siendo un borrador." in (back.text or "")
    assert button_data(back, "Aprobar y enviar")
    async with harness.sessions() as session:
        assert await due_scheduled_editions(session, utcnow() + timedelta(hours=1)) == []


async def test_staff_who_confirm_approve_an_edition_without_news(harness: Harness) -> None:
    draft = await draft_without_news(harness)
    ines = await staff_member(harness)
    jordi = harness.fake.make_user("Jordi", language_code="ca")
    await harness.make_staff(jordi)
    her_card, his_card = await card_of(harness, ines), await card_of(harness, jordi)
    await harness.press(ines, her_card, button_data(her_card, "Aprobar y enviar"))
    await harness.press(jordi, his_card, button_data(his_card, "Aprovar i enviar"))
    asked = harness.fake.last_message(jordi.id)
    assert "Aquesta edició no té cap notícia. La voleu aprovar igualment?" in (asked.text or "")
    await harness.press(jordi, asked, button_data(asked, "Aprovar sense notícies"))
    assert callback_answer(harness) == "Aprovat."
    approved = await edition(harness, draft.id)
    assert approved.status is EditionStatus.scheduled
    assert approved.approved_by == f"telegram:{jordi.id}"
    # Inés confirms too, a moment later: it is no longer a draft, nothing happens twice
    her_question = harness.fake.last_message(ines.id)
    await harness.press(ines, her_question, button_data(her_question, "Aprobar sin noticias"))
    assert callback_answer(harness) == "Este boletín ya no es un borrador."
    assert (await edition(harness, draft.id)).approved_by == f"telegram:{jordi.id}"


async def test_an_edition_with_news_is_approved_without_a_question(harness: Harness) -> None:
    draft = await draft_waiting(harness)
    assert bulletins.news_count(draft.content) > 0
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    assert (await edition(harness, draft.id)).status is EditionStatus.scheduled
    assert "¿Desea aprobarla" not in (harness.fake.last_message(ines.id).text or "")


async def test_staff_writes_the_editorial_in_one_message(harness: Harness) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Editorial"))
    too_long = await harness.say(ines, "x" * (EDITORIAL_LIMIT + 1))
    assert too_long.text == (
        f"El editorial debe tener menos de {EDITORIAL_LIMIT} caracteres "
        f"(este tiene {EDITORIAL_LIMIT + 1})."
    )
    saved = await harness.say(ines, "Un mes de ciudades que escuchan a su juventud.")
    assert saved.text == "Editorial guardado; el borrador se ha recompuesto."
    changed = await edition(harness, draft.id)
    assert changed.editorial == "Un mes de ciudades que escuchan a su juventud."
    assert "Un mes de ciudades que escuchan a su juventud." in (changed.html or "")
    await harness.press(ines, saved, button_data(saved, "Editorial"))
    await harness.say(ines, "-")
    assert (await edition(harness, draft.id)).editorial is None


async def test_staff_approve_and_send_and_a_colleague_pressing_later_is_told(
    harness: Harness,
) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    jordi = harness.fake.make_user("Jordi", language_code="ca")
    await harness.make_staff(jordi)
    his_card = await card_of(harness, jordi)
    card = await card_of(harness, ines)
    before = utcnow()
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    approved = await edition(harness, draft.id)
    assert approved.status is EditionStatus.scheduled
    assert approved.approved_by == f"telegram:{ines.id}"
    assert approved.send_at is not None
    assert timedelta(minutes=4) < approved.send_at - before <= timedelta(minutes=5, seconds=5)
    told = harness.fake.last_message(ines.id)
    assert "✅ Aprobado por Inés. Sale hacia las personas suscritas a las" in (told.text or "")
    # the delivery worker picks it up when its time comes, not before
    async with harness.sessions() as session:
        assert await due_scheduled_editions(session, before) == []
        assert await due_scheduled_editions(session, before + timedelta(minutes=6)) == [draft.id]
    await harness.press(jordi, his_card, button_data(his_card, "Aprovar i enviar"))
    assert callback_answer(harness) == "Aquest butlletí ja no és un esborrany."


async def test_stop_cancels_an_approved_bulletin_before_it_goes(harness: Harness) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    told = harness.fake.last_message(ines.id)
    await harness.press(ines, told, button_data(told, "Detener"))
    assert callback_answer(harness) == "Detenido."
    assert (await edition(harness, draft.id)).status is EditionStatus.cancelled
    assert "⛔ Detenido por Inés: no se ha enviado nada." in (
        harness.fake.last_message(ines.id).text or ""
    )
    async with harness.sessions() as session:
        later = utcnow() + timedelta(minutes=10)
        assert await due_scheduled_editions(session, later) == []


@pytest.mark.parametrize("label", ["Noticias", "Editorial", "Aprobar y enviar"])
async def test_every_button_is_refused_to_non_staff(harness: Harness, label: str) -> None:
    draft = await draft_waiting(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    ana = harness.fake.make_user("Ana", language_code="es")
    harness.fake.user_presses_button(ana, card, button_data(card, label))
    await harness.process()
    assert callback_answer(harness) == "Solo el personal de la secretaría puede hacerlo."
    still = await edition(harness, draft.id)
    assert still.status is EditionStatus.draft and still.editorial is None
    assert harness.fake.sent_messages(ana.id) == []
    assert (await harness.say(ana, "/bulletins")).text == (
        "Lo sentimos, solo el equipo del secretariado puede usar este comando."
    )


@pytest.mark.parametrize("label", ["Aprobar sin noticias", "Mantener el borrador"])
async def test_the_question_before_approving_without_news_is_refused_to_non_staff(
    harness: Harness, label: str
) -> None:
    draft = await draft_without_news(harness)
    ines = await staff_member(harness)
    card = await card_of(harness, ines)
    await harness.press(ines, card, button_data(card, "Aprobar y enviar"))
    asked = harness.fake.last_message(ines.id)
    ana = harness.fake.make_user("Ana", language_code="es")
    harness.fake.user_presses_button(ana, asked, button_data(asked, label))
    await harness.process()
    assert callback_answer(harness) == "Solo el personal de la secretaría puede hacerlo."
    assert (await edition(harness, draft.id)).status is EditionStatus.draft
    assert harness.fake.last_message(ines.id).buttons == asked.buttons  # still asking
