"""One consultation answered in the bot and on the web, one response per city (issue 21).

Three cities in three languages: Lyon (French) answers entirely on the web from the emailed
invitation (Claire has no Telegram), Lisboa (Portuguese) entirely in the bot, Barcelona
(Catalan) starts in the bot, is interrupted, finishes on the web from the bot's "answer on the
web" button at the very question she stopped at, and her colleague changes one answer in the
bot. Results and the export count both faces: exactly three rows, each with its channel.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from app.cli.main import app as cli
from bot.dispatcher import build_dispatcher
from engagement.consultations.errors import AnswerError, InvalidAnswer
from engagement.consultations.messages import explain_answer
from storage.engine import SessionFactory
from storage.people import Person, PersonRole, Role
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    create_declaration,
    drain_outbox,
    press_label,
)
from tests.web.answer_support import KEY, PUBLIC, mailed_links, send, visible_text, web_client

runner = CliRunner()


def aive(database_url: str, outbox: Path, *args: str) -> str:
    env = {
        "AIVE_DATABASE_URL": database_url,
        "AIVE_OUTBOX_DIR": str(outbox),
        "AIVE_PUBLIC_URL": PUBLIC,
        "AIVE_SECRET_KEY": KEY,
    }
    result = runner.invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def set_email(sessions: SessionFactory, person_id: int, address: str) -> None:
    async with sessions() as session:
        await session.execute(update(Person).where(Person.id == person_id).values(email=address))
        await session.commit()


async def test_three_cities_answer_on_the_web_in_the_bot_and_across_both_and_the_export_counts_them(
    make_harness: HarnessFactory,
    sessions: SessionFactory,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    outbox = tmp_path / "outbox"
    base = make_harness()
    config = replace(base.config, public_url=PUBLIC, signing_key=KEY)
    harness = Harness(base.fake, base.bot, build_dispatcher(config, sessions), sessions, config)
    fake = harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    lisboa = await add_city(sessions, "Lisboa", "PT", "portugal")
    lyon = await add_city(sessions, "Lyon", "FR", "francophone")
    marta = fake.make_user("Marta", language_code="ca")
    jordi = fake.make_user("Jordi", language_code="ca")
    joao = fake.make_user("João", language_code="pt")
    marta_id = await add_representative(sessions, marta, barcelona, "ca")
    await add_representative(sessions, jordi, barcelona, "ca")
    await add_representative(sessions, joao, lisboa, "pt")
    await set_email(sessions, marta_id, "marta@barcelona.cat")
    async with sessions() as session:  # Claire does not use Telegram: an address only
        claire = Person(
            display_name="Claire",
            language="fr",
            email="claire@lyon.fr",
            roles=[PersonRole(role=Role.city_representative, city_id=lyon)],
        )
        session.add(claire)
        await session.commit()
    consultation_id = await create_declaration(sessions)

    out = await asyncio.to_thread(
        aive, database_url, outbox, "consultations", "open", str(consultation_id)
    )
    assert "3 invitations queued" in out
    assert "2 invitations emailed with a link to answer on the web" in out
    assert await drain_outbox(harness) == 3
    links = mailed_links(outbox)
    assert set(links) == {"marta@barcelona.cat", "claire@lyon.fr"}
    again = await asyncio.to_thread(
        aive, database_url, outbox, "consultations", "open", str(consultation_id)
    )
    assert "emailed" not in again and len(list(outbox.glob("*.eml"))) == 2  # nobody twice

    try:
        async with web_client(sessions, outbox) as client:
            # Lyon, entirely on the web, from the emailed invitation, in French.
            claire_path = links["claire@lyon.fr"].removeprefix(PUBLIC)
            page = await (await client.get(claire_path)).text()
            assert "Priorité principale ?" in page and "Question 1 sur 5 au plus" in page
            status, page = await send(client, claire_path, page, [("priority", "climate")])
            assert status == 200 and "Quelles actions ?" in page
            status, page = await send(client, claire_path, page, [("actions", "parks")])
            status, page = await send(client, claire_path, page, [("satisfaction", "5")])
            assert "Budget (k€) ?" in page and "Pourquoi" not in page  # the branch skipped it
            status, page = await send(client, claire_path, page, [("budget", "beaucoup")])
            refusal = explain_answer(InvalidAnswer(AnswerError.not_a_number), "fr")
            assert status == 422 and refusal in visible_text(page)  # the bot's very sentence
            assert 'value="beaucoup"' in page  # what she typed stays in the field
            status, page = await send(client, claire_path, page, [("budget", "1000")])
            assert "Vérifiez vos réponses" in page and "Parcs" in page
            status, page = await send(client, claire_path, page, action="submit")
            assert "Merci ! Les réponses de Lyon sont envoyées." in visible_text(page)

            # Lisboa, entirely in the bot.
            await harness.press(joao, fake.last_message(joao.id), f"co:{consultation_id}")
            await press_label(harness, joao, "Clima")
            await press_label(harness, joao, "Transportes")
            await press_label(harness, joao, "Concluído")
            await press_label(harness, joao, "2")
            await harness.say(joao, "80,5")
            await press_label(harness, joao, "Enviar")
            assert "As respostas de Lisboa foram enviadas." in (
                fake.last_message(joao.id).text or ""
            )

            # Barcelona: Marta starts in the bot and is interrupted after two questions...
            await press_label(harness, marta, "Respondre")
            await press_label(harness, marta, "Inclusió")
            await press_label(harness, marta, "Escoles")
            await press_label(harness, marta, "Parcs")
            await press_label(harness, marta, "Fet")
            screen = fake.last_message(marta.id)
            assert "Quina satisfacció?" in (screen.text or "")
            web_button = screen.button(text="🌐 Respondre al web")
            # ...and finishes at her desk: the web continues at the same question.
            marta_path = str(web_button["url"]).removeprefix(PUBLIC)
            page = await (await client.get(marta_path)).text()
            assert "Quina satisfacció?" in page and "Pregunta 3 de 5" in page
            assert "Consulta · respostes de Barcelona" in visible_text(page)
            status, page = await send(client, marta_path, page, [("satisfaction", "4")])
            assert "Per què la inclusió?" in page
            status, page = await send(
                client, marta_path, page, [("why", "Perquè ningú no es quedi enrere")]
            )
            status, page = await send(client, marta_path, page, [("budget", "250")])
            review = visible_text(page)
            assert "Escoles, Parcs" in review and "Perquè ningú no es quedi enrere" in review
            status, page = await send(client, marta_path, page, action="submit")
            assert "Gràcies! Les respostes de Barcelona s'han enviat." in visible_text(page)

            # Her colleague Jordi, in the bot, sees the city's answers and changes the budget.
            await press_label(harness, jordi, "Respondre")
            seen = fake.last_message(jordi.id).text or ""
            assert "Marta ja ha enviat les respostes de Barcelona." in seen
            await press_label(harness, jordi, "Canviar les respostes")
            await press_label(harness, jordi, "✎ 5")
            await harness.say(jordi, "300")
            await press_label(harness, jordi, "Enviar")
            assert "s'han enviat" in (fake.last_message(jordi.id).text or "")

            # The web shows Marta what her colleague changed.
            page = await (await client.get(marta_path)).text()
            assert "300" in visible_text(page)
    finally:
        await harness.dp.storage.close()

    results = await asyncio.to_thread(
        aive, database_url, outbox, "consultations", "results", str(consultation_id)
    )
    assert "submitted in the bot: 2; on the web: 1" in results
    csv_path = tmp_path / "declaration.csv"
    await asyncio.to_thread(
        aive,
        database_url,
        outbox,
        "consultations",
        "export",
        str(consultation_id),
        "--out",
        str(csv_path),
    )
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith('"budget","channel"')
    rows = sorted(line.removeprefix('"').removesuffix('"').split('","')[1:] for line in lines[1:])
    assert [(r[0], r[2], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows] == [
        (
            "Barcelona",
            "ca",
            "inclusion",
            "schools;parks",
            "4",
            "Perquè ningú no es quedi enrere",
            "300",
            "bot",
        ),
        ("Lisboa", "pt", "climate", "transport", "2", "", "80.5", "bot"),
        ("Lyon", "fr", "climate", "parks", "5", "", "1000", "web"),
    ]
