"""Youth voice over the fake Telegram with a real aiogram Bot: a young person sends an idea,
staff approve, reject or ask for changes from their private chats, the author is told, and the
approved idea feeds the next bulletin."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from newsletter.editions import service as bulletins
from newsletter.editions.youth import approved_youth_for_bulletin, mark_published
from storage.base import utcnow
from storage.bulletins import Series
from storage.people import Person, Role
from storage.youth import (
    AgeBracket,
    MediaKind,
    PublishAs,
    SubmissionStatus,
    Theme,
    YouthProfile,
    YouthSubmission,
)
from tests.bot.conftest import Harness, button_data
from tests.fakes.telegram_objects import FakeUser

PHOTO = b"\xff\xd8\xff\xe0 a drawing of a bike lane next to the school"


async def submissions(harness: Harness) -> list[YouthSubmission]:
    async with harness.sessions() as session:
        return list((await session.scalars(select(YouthSubmission))).all())


async def staff(harness: Harness, name: str, lang: str) -> FakeUser:
    """A staff member whose profile language is `lang` (as if chosen with /language)."""
    user = harness.fake.make_user(name, language_code=lang)
    await harness.make_staff(user)
    async with harness.sessions() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        assert person is not None
        person.language = lang
        await session.commit()
    return user


async def send_idea(
    harness: Harness, user: FakeUser, title: str, text: str, city: str, theme: str
) -> None:
    """From the title question on, without media."""
    await harness.say(user, title)
    skip = await harness.say(user, text)
    await harness.press(user, skip, skip.buttons[0]["callback_data"])
    choice = await harness.say(user, city)
    await harness.press(user, choice, choice.buttons[0]["callback_data"])
    themes = harness.fake.last_message(user.id)
    await harness.press(user, themes, button_data(themes, theme))


async def ready_youth(harness: Harness, user: FakeUser, bracket: str = "18 or older") -> None:
    """/youth, an age bracket, sign anonymously: ends at the title question."""
    ages = await harness.say(user, "/youth")
    await harness.press(user, ages, button_data(ages, bracket))
    sign = harness.fake.last_message(user.id)
    await harness.press(user, sign, sign.buttons[-1]["callback_data"])  # anonymously


async def test_yuna_sends_an_idea_with_a_photo_it_is_approved_and_reaches_the_bulletin(
    harness: Harness,
) -> None:
    await harness.add_city("Changwon", "KR", ["ko"])
    ines = await staff(harness, "Inés", "es")
    pau = await staff(harness, "Pau", "en")
    yuna = harness.fake.make_user("Yuna", language_code="ko")

    asked = await harness.say(yuna, "/start")
    await harness.press(yuna, asked, button_data(asked, "English"))
    roles = harness.fake.last_message(yuna.id)
    await harness.press(yuna, roles, button_data(roles, "young person"))
    ages = harness.fake.last_message(yuna.id)
    assert "how old are you?" in (ages.text or "")
    await harness.press(yuna, ages, button_data(ages, "Under 16"))
    guardian = harness.fake.last_message(yuna.id)
    assert "a parent or guardian needs to agree" in (guardian.text or "")
    await harness.press(yuna, guardian, button_data(guardian, "Yes, a parent"))
    sign = harness.fake.last_message(yuna.id)
    await harness.press(yuna, sign, button_data(sign, "With my first name (Yuna)"))
    assert "What is its title?" in (harness.fake.last_message(yuna.id).text or "")

    await harness.say(yuna, "Safe bike lanes to school")
    media = await harness.say(yuna, "Many of us would cycle to school if the lanes were safe.")
    assert "one photo or one voice note" in (media.text or "")
    harness.fake.user_sends_photo(yuna, PHOTO)
    await harness.process()
    choice = await harness.say(yuna, "changwon")
    await harness.press(yuna, choice, button_data(choice, "Changwon (KR)"))
    themes = harness.fake.last_message(yuna.id)
    await harness.press(yuna, themes, button_data(themes, "City and childhood"))
    assert "is with the secretariat" in (harness.fake.last_message(yuna.id).text or "")

    [idea] = await submissions(harness)
    assert idea.status is SubmissionStatus.pending and idea.language == "en"
    assert idea.media_kind is MediaKind.photo and idea.theme is Theme.city_and_childhood
    async with harness.sessions() as session:
        profile = await session.get(YouthProfile, idea.person_id)
    assert profile is not None and profile.age_bracket is AgeBracket.under_16
    assert profile.guardian_consent_at is not None and profile.first_name == "Yuna"
    person = await harness.person(yuna)
    assert person is not None and person.has_role(Role.youth)

    # every staff member gets the photo and the idea, in their language, with three buttons
    [photo] = harness.fake.sent_photos(ines.id)
    assert (photo.caption or "").startswith("Idea joven n.º")  # not only "#2"
    assert "Safe bike lanes to school" in (photo.caption or "")
    to_ines = harness.fake.last_message(ines.id)
    assert "Safe bike lanes to school" in (to_ines.text or "")
    assert "Changwon (KR)" in (to_ines.text or "") and "Firma: Yuna" in (to_ines.text or "")
    assert [b["text"] for b in to_ines.buttons] == [
        "Aprobar",
        "Rechazar (con un motivo)",
        "Pedir cambios",
    ]
    await harness.press(ines, to_ines, button_data(to_ines, "Aprobar"))
    told = harness.fake.last_message(yuna.id).text or ""
    assert told.startswith("Good news! The secretariat approved your idea")
    assert "signed with your first name" in told
    assert "Aprobada (Inés)" in (harness.fake.last_message(ines.id).text or "")
    assert harness.fake.last_message(ines.id).buttons == []

    # Pau's copy, pressed later, changes nothing
    pau_copy = harness.fake.last_message(pau.id)
    await harness.press(pau, pau_copy, button_data(pau_copy, "Reject"))
    query = list(harness.fake.world.callback_queries.values())[-1]
    assert query.answer and "Someone already decided" in query.answer.get("text", "")

    # the next bulletin draft quotes it, signed with her first name
    async with harness.sessions() as session:
        session.add(Series(slug="global", titles={"en": "Educating Cities"}, languages=["en"]))
        await session.commit()
        draft = await bulletins.compose_draft(session, "global", "en", utcnow())
        section = next(s for s in draft.content["sections"] if s["kind"] == "youth")
        assert section["youth"] == [idea.id]
        assert "Many of us would cycle to school" in (draft.text or "")
        assert "— Yuna, Changwon" in (draft.text or "")
        assert "Safe bike lanes to school" in (draft.html or "")
        # approving the edition publishes the idea: /forget will anonymize it, not delete it
        await bulletins.approve(session, draft.id, "ines")
    [idea] = await submissions(harness)
    assert idea.published


async def test_a_rejected_idea_tells_its_author_why_in_their_language(harness: Harness) -> None:
    await harness.add_city("Lyon", "FR", ["fr"])
    ines = await staff(harness, "Inés", "es")
    marc = harness.fake.make_user("Marc", language_code="fr")
    await ready_youth(harness, marc, "18 ans")
    await send_idea(
        harness, marc, "Un skatepark", "Un skatepark près de la gare.", "Lyon", "Culture"
    )

    to_ines = harness.fake.last_message(ines.id)
    await harness.press(ines, to_ines, button_data(to_ines, "Rechazar"))
    prompt = harness.fake.last_message(ines.id).text or ""
    assert "Escriba el motivo" in prompt and "lo leerá en francés" in prompt
    [idea] = await submissions(harness)
    assert idea.status is SubmissionStatus.pending  # nothing decided before the reason
    await harness.say(ines, "Ya existe un proyecto igual en Lyon.")

    told = harness.fake.last_message(marc.id).text or ""
    assert told.startswith("Merci pour ton idée « Un skatepark »")
    assert "Ya existe un proyecto igual en Lyon." in told
    [idea] = await submissions(harness)
    assert idea.status is SubmissionStatus.rejected and idea.reason
    assert "Rechazada (Inés)" in (to_ines.text or "") and to_ines.buttons == []
    async with harness.sessions() as session:
        assert (
            await approved_youth_for_bulletin(
                session, utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
            )
            == []
        )


async def test_staff_ask_for_changes_and_the_author_is_told_how_to_resend(
    harness: Harness,
) -> None:
    await harness.add_city("Lisboa", "PT", ["pt"])
    ines = await staff(harness, "Inés", "es")
    joao = harness.fake.make_user("João", language_code="pt")
    await ready_youth(harness, joao, "16 ou 17")
    await send_idea(harness, joao, "Hortas", "Hortas nas escolas.", "Lisboa", "Sustentabilidade")
    assert (await harness.say(ines, "/ideas")).buttons  # the waiting list, for staff
    to_ines = harness.fake.last_message(ines.id)
    await harness.press(ines, to_ines, button_data(to_ines, "Pedir cambios"))
    await harness.say(ines, "Di en qué escuela.")
    told = harness.fake.last_message(joao.id).text or ""
    assert "gostaria de algumas alterações" in told and "/youth" in told
    [idea] = await submissions(harness)
    assert idea.status is SubmissionStatus.changes_requested


async def test_non_staff_cannot_approve_reject_or_list_ideas(harness: Harness) -> None:
    await harness.add_city("Lyon", "FR", ["fr"])
    ines = await staff(harness, "Inés", "en")
    marc = harness.fake.make_user("Marc", language_code="fr")
    mallory = harness.fake.make_user("Mallory", language_code="en")
    await ready_youth(harness, marc, "18 ans")
    await send_idea(harness, marc, "Un skatepark", "Près de la gare.", "Lyon", "Culture")
    to_ines = harness.fake.last_message(ines.id)

    for label in ("Approve", "Reject", "Ask for changes"):
        await harness.press(mallory, to_ines, button_data(to_ines, label))
        query = list(harness.fake.world.callback_queries.values())[-1]
        assert query.answer and "Only the secretariat staff" in query.answer.get("text", "")
    assert (await harness.say(mallory, "/ideas")).text == (
        "Sorry, only the secretariat staff can use this command."
    )
    await harness.press(marc, to_ines, button_data(to_ines, "Approve"))  # nor the author
    [idea] = await submissions(harness)
    assert idea.status is SubmissionStatus.pending and idea.decided_by is None
    assert not any("Good news" in t for t in harness.texts(marc))


async def test_bad_input_gets_clear_messages_and_nothing_is_stored(harness: Harness) -> None:
    await harness.add_city("Lyon", "FR", ["fr"])
    ana = harness.fake.make_user("Ana", language_code="en")
    await ready_youth(harness, ana)
    too_long = await harness.say(ana, "x" * 121)
    assert "121 characters; the limit is 120" in (too_long.text or "")
    await harness.say(ana, "A title")
    too_long = await harness.say(ana, "y" * 2001)
    assert "2001 characters; the limit is 2000" in (too_long.text or "")
    await harness.say(ana, "A good idea.")

    harness.fake.user_sends_document(ana, PHOTO, "idea.pdf")
    await harness.process()
    assert "I can only take one photo or one voice note" in (
        harness.fake.last_message(ana.id).text or ""
    )
    harness.fake.user_sends_photo(ana, b"\xff\xd8" + bytes(10 * 1024 * 1024))
    await harness.process()
    assert "photo is too big (the limit is 10 MB)" in (harness.fake.last_message(ana.id).text or "")
    harness.fake.user_sends_voice(ana, b"OggS long voice", duration=150)
    await harness.process()
    assert "too long (the limit is 2 minutes)" in (harness.fake.last_message(ana.id).text or "")
    harness.fake.user_sends_voice(ana, b"OggS short voice", duration=30)
    await harness.process()
    assert "Which city" in (harness.fake.last_message(ana.id).text or "")
    assert await submissions(harness) == []


async def test_a_fourth_idea_in_a_day_is_refused(harness: Harness) -> None:
    await harness.add_city("Lyon", "FR", ["fr"])
    ana = harness.fake.make_user("Ana", language_code="en")
    await ready_youth(harness, ana)
    for n in range(3):
        await send_idea(
            harness, ana, f"Idea {n}", "Trees in every schoolyard.", "Lyon", "Something else"
        )
        if n < 2:
            assert "What is its title?" in ((await harness.say(ana, "/youth")).text or "")
    assert len(await submissions(harness)) == 3
    refused = (await harness.say(ana, "/youth")).text or ""
    assert "You have already sent 3 ideas today" in refused
    assert "after " in refused
    assert "UTC" not in refused and "Spain (Madrid) Time" in refused  # the secretariat's clock
    assert len(await submissions(harness)) == 3


async def test_under_16_without_a_guardians_agreement_cannot_submit(harness: Harness) -> None:
    leo = harness.fake.make_user("Leo", language_code="en")
    ages = await harness.say(leo, "/youth")
    await harness.press(leo, ages, button_data(ages, "Under 16"))
    guardian = harness.fake.last_message(leo.id)
    await harness.press(leo, guardian, button_data(guardian, "Not yet"))
    assert "Talk with a parent or guardian first" in (harness.fake.last_message(leo.id).text or "")
    again = await harness.say(leo, "/youth")  # asked again, never the title question
    assert "a parent or guardian needs to agree" in (again.text or "")
    answer = await harness.say(leo, "My idea")
    assert "What is its title?" not in (answer.text or "")
    assert await submissions(harness) == []


async def test_forget_deletes_unpublished_ideas_and_anonymizes_published_ones(
    harness: Harness,
) -> None:
    await harness.add_city("Changwon", "KR", ["ko"])
    ines = await staff(harness, "Inés", "en")
    yuna = harness.fake.make_user("Yuna", language_code="en")
    ages = await harness.say(yuna, "/youth")
    await harness.press(yuna, ages, button_data(ages, "16 or 17"))
    sign = harness.fake.last_message(yuna.id)
    await harness.press(yuna, sign, button_data(sign, "first name"))
    await send_idea(
        harness, yuna, "Bike lanes", "Safe lanes to school.", "Changwon", "Something else"
    )
    to_ines = harness.fake.last_message(ines.id)
    await harness.press(ines, to_ines, button_data(to_ines, "Approve"))
    assert "What is its title?" in ((await harness.say(yuna, "/youth")).text or "")
    await send_idea(harness, yuna, "Parks", "More shade in parks.", "Changwon", "Something else")
    published, unpublished = sorted(await submissions(harness), key=lambda s: s.id)
    async with harness.sessions() as session:
        assert await mark_published(session, [published.id, unpublished.id]) == 1
        await session.commit()

    ask = await harness.say(yuna, "/forget")
    await harness.press(yuna, ask, button_data(ask, "Yes"))
    [kept] = await submissions(harness)
    assert kept.id == published.id and kept.person_id is None and kept.published
    async with harness.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(YouthProfile)) == 0
        assert (
            await session.scalar(
                select(func.count()).select_from(Person).where(Person.telegram_id == yuna.id)
            )
            == 0
        )
        now = utcnow()
        [voice] = await approved_youth_for_bulletin(
            session, now - timedelta(days=1), now + timedelta(days=1), "fr"
        )
    assert voice.author == "Un ou une jeune" and "Yuna" not in voice.text


async def test_publish_choice_keeps_no_name_when_anonymous(harness: Harness) -> None:
    ana = harness.fake.make_user("Ana Maria", language_code="en")
    await ready_youth(harness, ana)
    async with harness.sessions() as session:
        [profile] = (await session.scalars(select(YouthProfile))).all()
    assert profile.publish_as is PublishAs.anonymous and profile.first_name is None
