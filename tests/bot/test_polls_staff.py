"""Staff and polls in the bot: /polls lists, Results gives text and a PNG bar chart, a YAML
document creates a poll; every part of it is refused to everyone else."""

from __future__ import annotations

import html
import io

from PIL import Image
from sqlalchemy import func, select

from engagement.polls.chart import results_chart
from engagement.polls.results import OptionCount, PollResults
from storage.engine import SessionFactory
from storage.polls import Poll
from tests.bot.conftest import Harness, button_data
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    drain_outbox,
)
from tests.bot.poll_support import create_theme, only_poll, send_document_with_caption, theme_yaml


async def poll_count(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Poll)) or 0)


async def test_staff_see_results_as_text_and_a_bar_chart_in_their_language(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    marta = fake.make_user("Marta")
    await add_representative(sessions, marta, barcelona, "ca")
    poll = await create_theme(sessions)
    await drain_outbox(harness)
    fake.user_answers_poll(marta, only_poll(fake, marta), [1])
    await harness.process()
    ines = fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)

    await harness.say(ines, "/polls")
    listing = harness.texts(ines)
    assert any(
        f"#{poll.id} <b>Which theme for 2027?</b> (theme-2027): abierta" in t for t in listing
    )
    assert "/polls" in listing[-1]  # how to create one
    line = next(m for m in fake.sent_messages(ines.id) if m.buttons)
    await harness.press(ines, line, button_data(line, "Resultados"))

    *_, summary_message, photo = fake.sent_messages(ines.id)
    assert photo.kind == "photo"  # the chart comes after the text
    summary = summary_message.text or ""
    assert "1 personas han respondido; enviada a 1, 0 detenidas." in summary
    assert "Climate: 1 (100%)" in summary and "spain (1)" in summary
    assert photo.file is not None and photo.file.data is not None
    image = Image.open(io.BytesIO(photo.file.data))
    assert image.format == "PNG"
    assert 400 <= image.width <= 2000 and 150 <= image.height <= 2000


def test_the_chart_is_a_png_of_sane_size_even_without_votes() -> None:
    from datetime import UTC, datetime

    options = [OptionCount(f"o{i}", f"Option number {i} " * 5, 0, 0.0) for i in range(10)]
    results = PollResults(
        1, "s", "A long question " * 20, "open", False, False, datetime.now(UTC), 0, 0, 0, options
    )
    png = results_chart(results, votes_label="vots")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.size[0] == 800 and 400 <= image.size[1] <= 1000


async def test_staff_create_a_poll_by_sending_its_yaml_file(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    ines = fake.make_user("Inés", language_code="en")
    await harness.make_staff(ines)
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    marta = fake.make_user("Marta")
    await add_representative(sessions, marta, barcelona, "ca")

    bad = theme_yaml().replace("audience: city_representatives", "audience: mayors")
    send_document_with_caption(fake, ines, bad.encode(), "bad.yaml", "/polls")
    await harness.process()
    refusal = harness.texts(ines)[-1]
    assert refusal.startswith("The poll was not created:")
    assert "audience: must be one of city_representatives, youth, everyone" in refusal
    assert await poll_count(sessions) == 0

    send_document_with_caption(fake, ines, theme_yaml().encode(), "theme.yaml", "/polls")
    await harness.process()
    assert "(theme-2027) created: queued for 1 people" in harness.texts(ines)[-1]
    assert await poll_count(sessions) == 1
    assert await drain_outbox(harness) == 1
    assert only_poll(fake, marta).poll.question == "Quin tema per al 2027?"  # type: ignore[union-attr]


async def test_staff_read_the_problems_of_their_poll_file_in_their_language(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    claire = fake.make_user("Claire", language_code="fr")
    await harness.make_staff(claire)
    bad = (
        theme_yaml()
        .replace("audience: city_representatives", "audience: mayors")
        .replace("{id: climate", "{id: inclusion")
        .replace("ca: Cultura}", "ca: Cultura, fr: Culture}")
    )
    send_document_with_caption(fake, claire, bad.encode(), "bad.yaml", "/polls")
    await harness.process()
    assert html.unescape(harness.texts(claire)[-1]).splitlines() == [  # as Telegram shows it
        "Le sondage n'a pas été créé :",
        "audience: doit être une de ces valeurs : city_representatives, youth, everyone, invited",
        "options[1].id: identifiant d'option en double 'inclusion' (aussi options[0])",
        "options[2].text.fr: la question n'a pas de texte en fr",
    ]
    send_document_with_caption(fake, claire, theme_yaml().encode(), "theme.yaml", "/polls")
    await harness.process()
    send_document_with_caption(fake, claire, theme_yaml().encode(), "theme.yaml", "/polls")
    await harness.process()
    assert html.unescape(harness.texts(claire)[-1]).splitlines() == [
        "Le sondage n'a pas été créé :",
        "slug: le sondage 'theme-2027' existe déjà (#1)",
    ]
    assert await poll_count(sessions) == 1


async def test_non_staff_are_refused_the_command_the_file_and_the_buttons(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    poll = await create_theme(sessions)
    ines = fake.make_user("Inés", language_code="es")
    await harness.make_staff(ines)
    await harness.say(ines, "/polls")
    line = next(m for m in fake.sent_messages(ines.id) if m.buttons)
    results_button = button_data(line, "Resultados")

    ana = fake.make_user("Ana", language_code="en")
    refused = "Sorry, only the secretariat staff can use this command."
    assert (await harness.say(ana, "/polls")).text == refused
    assert (await harness.say(ana, f"/polls {poll.id}")).text == refused
    send_document_with_caption(fake, ana, theme_yaml().encode(), "theme.yaml", "/polls")
    await harness.process()
    assert harness.texts(ana)[-1] == refused
    assert await poll_count(sessions) == 1

    await harness.press(ana, line, results_button)
    assert callback_answer(harness) == "Only the secretariat staff can do this."
    assert fake.sent_photos(ana.id) == [] and fake.sent_photos(ines.id) == []
    assert len(harness.texts(ana)) == 3
