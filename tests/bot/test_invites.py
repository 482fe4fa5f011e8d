"""Invitation links: signed, single-use, expiring; Marta is greeted in Catalan, city known."""

from __future__ import annotations

from datetime import timedelta

from engagement.invites import create_invite, invite_link, nonce_from_token, sign_nonce
from storage.base import utcnow
from storage.networks import City
from storage.people import Role
from tests.bot.conftest import SIGNING_KEY, Harness


async def _invite(harness: Harness, city: City, **kwargs: object) -> str:
    async with harness.sessions() as session:
        city = await session.merge(city)
        _invite, token = await create_invite(
            session,
            city,
            SIGNING_KEY,
            created_by="test",
            **kwargs,  # type: ignore[arg-type]
        )
        await session.commit()
    return token


def test_a_token_fits_a_telegram_start_parameter_and_refuses_tampering() -> None:
    token = sign_nonce("A" * 16, SIGNING_KEY)
    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    assert nonce_from_token(token, SIGNING_KEY) == "A" * 16
    assert nonce_from_token(token, "another-key") is None
    assert nonce_from_token("B" + token[1:], SIGNING_KEY) is None
    assert nonce_from_token(token[:20], SIGNING_KEY) is None
    assert nonce_from_token("", SIGNING_KEY) is None
    assert invite_link("aive_bot", token) == f"https://t.me/aive_bot?start={token}"


async def test_marta_taps_her_invite_and_is_greeted_in_catalan_with_her_city(
    harness: Harness,
) -> None:
    city = await harness.add_city("Barcelona", "ES", ["ca", "es"])
    token = await _invite(harness, city)
    marta = harness.fake.make_user("Marta", language_code="es")

    greeting = await harness.say(marta, f"/start {token}")

    assert greeting.text is not None
    assert greeting.text.startswith("Benvingut/da, Marta!")
    assert "Barcelona" in greeting.text
    assert greeting.buttons == []  # nothing to type, nothing to choose
    person = await harness.person(marta)
    assert person is not None and person.language == "ca"
    assert person.has_role(Role.city_representative)
    assert person.represented_city_ids() == [city.id]

    again = await harness.say(marta, f"/start {token}")  # tapping it twice is harmless
    assert (again.text or "").startswith("Benvingut/da")


async def test_the_invite_language_wins_over_the_citys(harness: Harness) -> None:
    city = await harness.add_city("Barcelona", "ES", ["ca", "es"])
    token = await _invite(harness, city, language="es")
    pere = harness.fake.make_user("Pere", language_code="en")
    greeting = await harness.say(pere, f"/start {token}")
    assert (greeting.text or "").startswith("¡Bienvenido/a, Pere!")


async def test_a_used_invite_is_refused_with_a_way_forward(harness: Harness) -> None:
    city = await harness.add_city("Lisboa", "PT", ["pt"])
    token = await _invite(harness, city)
    first = harness.fake.make_user("Ana", language_code="pt")
    await harness.say(first, f"/start {token}")
    second = harness.fake.make_user("Rui", language_code="en")

    await harness.say(second, f"/start {token}")

    texts = harness.texts(second)
    assert "This invitation link has already been used." in texts[0]
    assert "Ask the secretariat for a new one" in texts[0]
    assert "Which language do you prefer?" in texts[1]
    person = await harness.person(second)
    assert person is not None and not person.has_role(Role.city_representative)


async def test_an_expired_invite_is_refused(harness: Harness) -> None:
    city = await harness.add_city("Lisboa", "PT", ["pt"])
    token = await _invite(harness, city, now=utcnow() - timedelta(days=15))
    rui = harness.fake.make_user("Rui", language_code="pt")
    await harness.say(rui, f"/start {token}")
    assert "Este link de convite expirou." in harness.texts(rui)[0]
    person = await harness.person(rui)
    assert person is not None and person.roles == []


async def test_a_forged_invite_is_refused(harness: Harness) -> None:
    city = await harness.add_city("Lisboa", "PT", ["pt"])
    token = await _invite(harness, city)
    forged = sign_nonce(token[:16], "not-our-key")
    eve = harness.fake.make_user("Eve", language_code="fr")
    await harness.say(eve, f"/start {forged}")
    await harness.say(eve, "/start garbage")
    texts = harness.texts(eve)
    refusals = [t for t in texts if "Ce lien d'invitation n'est pas valide" in t]
    assert len(refusals) == 2
    person = await harness.person(eve)
    assert person is not None and person.roles == []
    # the real link still works afterwards: the forgeries did not burn it
    marta = harness.fake.make_user("Marta", language_code="ca")
    assert "Lisboa" in ((await harness.say(marta, f"/start {token}")).text or "")


async def test_concurrent_redemption_lets_exactly_one_person_in(harness: Harness) -> None:
    import asyncio

    city = await harness.add_city("Lisboa", "PT", ["pt"])
    token = await _invite(harness, city)
    users = [harness.fake.make_user(f"U{i}", language_code="pt") for i in range(4)]
    for user in users:
        harness.fake.user_sends_text(user, f"/start {token}")
    pending = list(harness.fake.world.updates.pending)
    harness.fake.world.updates.pending.clear()
    await asyncio.gather(*(harness.dp.feed_raw_update(harness.bot, u) for u in pending))
    people = [await harness.person(u) for u in users]
    representatives = [p for p in people if p and p.has_role(Role.city_representative)]
    assert len(representatives) == 1
