"""`/broadcast` in the bot: staff see the latest broadcasts with counts per state and cancel
one; everyone else is refused, command and button alike."""

from __future__ import annotations

from bot.features.broadcast_staff import what_it_is
from outbox import audience_recipients, enqueue_broadcast
from storage.broadcasts import BroadcastKind
from storage.engine import SessionFactory
from tests.bot.broadcast_support import add_people, states
from tests.bot.conftest import Harness
from tests.bot.consultation_support import callback_answer, drain_outbox


async def queue_hello(sessions: SessionFactory) -> int:
    await add_people(sessions, [501, 502, 503], ["fr", "pt"])
    async with sessions() as session:
        recipients = await audience_recipients(session, "everyone")
        broadcast = await enqueue_broadcast(
            session,
            BroadcastKind.text,
            {"text": {"en": "Hello", "fr": "Bonjour"}},
            [r for r in recipients if r.chat_id in (501, 502, 503)],
            audience="everyone",
            created_by="test",
        )
        return broadcast.id


async def test_staff_see_counts_and_cancel_a_broadcast_before_it_is_sent(
    harness: Harness, sessions: SessionFactory
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    assert (await harness.say(ines, "/broadcast")).text == "Todavía no hay ninguna difusión."
    broadcast_id = await queue_hello(sessions)

    listing = await harness.say(ines, "/broadcast")
    assert listing.text == (
        f"#{broadcast_id} Mensaje para todo el mundo: <b>en cola</b>, 0 de 3 procesados\nen cola 3"
    )
    assert [b["text"] for b in listing.buttons] == ["Cancelar"]
    await harness.press(ines, listing, listing.buttons[0]["callback_data"])
    assert callback_answer(harness) == "Cancelada: 3 mensajes en cola no se enviarán."
    assert "cancelado" in (harness.fake.last_message(ines.id).text or "")
    assert await drain_outbox(harness) == 0
    assert await states(sessions, broadcast_id) == {"cancelled": 3}

    # A cancelled broadcast has no Cancel button any more; bad arguments are answered.
    again = await harness.say(ines, f"/broadcast {broadcast_id}")
    assert again.buttons == [] and "cancelado 3" in (again.text or "")
    assert (await harness.say(ines, "/broadcast 999")).text == "No hay ninguna difusión 999."
    assert (await harness.say(ines, "/broadcast soon")).text == (
        "Escriba /broadcast, o /broadcast seguido de un número."
    )


async def test_the_cancel_button_is_refused_to_everyone_else(
    harness: Harness, sessions: SessionFactory
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    broadcast_id = await queue_hello(sessions)
    listing = await harness.say(ines, "/broadcast")
    mallory = harness.fake.make_user("Mallory", language_code="en")
    assert (await harness.say(mallory, "/broadcast")).text == (
        "Sorry, only the secretariat staff can use this command."
    )
    await harness.press(mallory, listing, listing.buttons[0]["callback_data"])
    assert callback_answer(harness) == "Only the secretariat staff can do this."
    assert await states(sessions, broadcast_id) == {"queued": 3}
    assert await drain_outbox(harness) == 3


def test_staff_read_what_each_broadcast_is_in_words() -> None:
    assert what_it_is("poll", "poll:1:city_representatives", "en") == (
        "Poll #1 for city representatives"
    )
    assert what_it_is("text", "cafe:1:invite", "pt") == (
        "Mensagem: o convite para o café virtual n.º 1"
    )
    assert what_it_is("text", "consultation:3", "fr") == (
        "Message : invitation ou rappel de la consultation n° 3"
    )
    assert what_it_is("text", "campaign:2026:d-45", "es") == (
        "Mensaje de la campaña del Día Internacional 2026, paso D-45"
    )
    for audience in ("poll:1:city_representatives", "cafe:2:day_before", "consultation:3"):
        assert audience not in what_it_is("text", audience, "ca")


async def test_a_cancel_button_older_than_the_broadcasts_end_shows_where_it_stands(
    harness: Harness, sessions: SessionFactory
) -> None:
    ines = harness.fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    broadcast_id = await queue_hello(sessions)
    listing = await harness.say(ines, "/broadcast")
    assert await drain_outbox(harness) == 3  # handled before she presses Cancel
    before = await states(sessions, broadcast_id)
    await harness.press(ines, listing, listing.buttons[0]["callback_data"])
    shown = harness.fake.last_message(ines.id)
    assert shown.buttons == [] and "3 de 3 procesados" in (shown.text or "")
    assert await states(sessions, broadcast_id) == before and "cancelled" not in before
