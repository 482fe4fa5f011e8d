"""`/start f<id>`: the link on a café's public page opens its invitation in the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from storage.cafes import Cafe, CafeSeat, SeatState
from tests.bot.cafe_support import add_person, schedule_cafe
from tests.bot.conftest import Harness, button_data

START = datetime(2027, 3, 17, 16, 0, tzinfo=UTC)


async def test_a_visitor_opens_the_link_and_joins_in_their_language(harness: Harness) -> None:
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    marie = harness.fake.make_user("Marie", language_code="fr")
    invitation = await harness.say(marie, f"/start f{cafe_id}")
    assert "Rues scolaires" in (invitation.text or "")
    await harness.press(marie, invitation, button_data(invitation, "inscrire"))
    async with harness.sessions() as session:
        seats = (await session.scalars(select(CafeSeat).where(CafeSeat.cafe_id == cafe_id))).all()
    assert [s.state for s in seats] == [SeatState.registered]


async def test_a_cafe_for_city_representatives_is_refused_to_others(harness: Harness) -> None:
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    async with harness.sessions() as session:
        await session.execute(
            update(Cafe).where(Cafe.id == cafe_id).values(audience="city_representatives")
        )
        await session.commit()
    visitor = harness.fake.make_user("Pau", language_code="ca")
    refused = await harness.say(visitor, f"/start f{cafe_id}")
    assert refused.text == (
        "Aquest cafè és per a les persones representants de les ciutats membres. "
        "La secretaria envia les invitacions en aquest xat."
    )
    assert refused.buttons == []
    rep = harness.fake.make_user("Rita", language_code="pt")
    await add_person(harness.sessions, rep, "pt", city=("Porto", "PT", "portugal"))
    invitation = await harness.say(rep, f"/start f{cafe_id}")
    assert "Ruas escolares" in (invitation.text or "") and invitation.buttons


async def test_unknown_and_finished_cafes_are_answered_plainly(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana", language_code="es")
    assert (await harness.say(ana, "/start f999")).text == "Este café ya no existe."
    cafe_id, _ = await schedule_cafe(harness.sessions, START, START - timedelta(days=30))
    async with harness.sessions() as session:
        past = datetime.now(UTC) - timedelta(days=3)
        await session.execute(update(Cafe).where(Cafe.id == cafe_id).values(starts_at=past))
        await session.commit()
    assert (await harness.say(ana, f"/start f{cafe_id}")).text == "Este café ya ha terminado."
