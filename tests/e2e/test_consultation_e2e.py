"""A consultation answered in chat by three cities in three languages, end to end.

A real aiogram Bot against the fake Bot API; invitations go through the chat outbox; the CLI
opens the consultation and exports the CSV. Marta (Barcelona, Catalan) answers three questions,
the bot restarts, she finishes days later where she left off; her colleague Jordi sees the
city's answers and changes one before closing. Bad input is answered clearly and loses nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import app as cli
from bot.dispatcher import build_dispatcher
from bot.session import make_bot
from engagement.consultations import lifecycle
from storage.consultations import ConsultationResponse, ConsultationStatus, ResponseStatus
from storage.engine import SessionFactory
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.consultation_support import (
    add_city,
    add_representative,
    callback_answer,
    create_declaration,
    drain_outbox,
    labels,
    press_label,
)

runner = CliRunner()
SEEN = {f"{n}." for n in range(1, 10)}  # the numbered answer lines of a review


def aive(database_url: str, tmp_path: Path, *args: str) -> str:
    result = runner.invoke(
        cli, list(args), env={"AIVE_DATABASE_URL": database_url, "AIVE_OUTBOX_DIR": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output
    return result.output


def last_text(harness: Harness, user: object) -> str:
    return harness.fake.last_message(user.id).text or ""  # type: ignore[attr-defined]


async def test_three_cities_answer_in_three_languages_through_a_restart_and_a_second_representative(
    make_harness: HarnessFactory,
    sessions: SessionFactory,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    harness = make_harness()
    fake = harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    lisboa = await add_city(sessions, "Lisboa", "PT", "portugal")
    lyon = await add_city(sessions, "Lyon", "FR", "francophone")
    marta = fake.make_user("Marta", language_code="ca")
    jordi = fake.make_user("Jordi", language_code="es")
    joao = fake.make_user("João", language_code="pt")
    claire = fake.make_user("Claire", language_code="fr")
    await add_representative(sessions, marta, barcelona, "ca")
    await add_representative(sessions, jordi, barcelona, "ca")
    await add_representative(sessions, joao, lisboa, "pt")
    await add_representative(sessions, claire, lyon, "fr")
    consultation_id = await create_declaration(sessions)

    # The secretariat opens it from the command line: everyone is invited through the outbox.
    out = await asyncio.to_thread(
        aive, database_url, tmp_path, "consultations", "open", str(consultation_id)
    )
    assert "4 invitations queued" in out
    assert await drain_outbox(harness) == 4
    invite = fake.last_message(marta.id)
    assert (invite.text or "").startswith("S'ha obert una nova consulta: <b>Declaració 2026</b>.")
    assert [b["text"] for b in invite.buttons] == ["Respondre"]
    assert fake.last_message(joao.id).buttons[0]["text"] == "Responder"
    assert fake.last_message(claire.id).buttons[0]["text"] == "Répondre"

    # Marta, on the metro: one tap opens it, three questions answered by buttons.
    await press_label(harness, marta, "Respondre")
    first = last_text(harness, marta)
    assert "Fins a 5 preguntes" in first and "<b>Declaració 2026</b> · 1 de 5 com a màxim" in first
    assert "Prioritat principal?" in first
    question = fake.last_message(marta.id)
    await press_label(harness, marta, "Inclusió")
    assert "Quines accions?" in last_text(harness, marta) and "· 2/5" in last_text(harness, marta)
    assert fake.last_message(marta.id).message_id == question.message_id  # edited in place
    assert "Prioritat principal?" not in last_text(harness, marta)
    await press_label(harness, marta, "Escoles")
    await press_label(harness, marta, "Parcs")
    assert labels(harness, marta)[:3] == ["✓ Escoles", "✓ Parcs", "Transport"]
    await press_label(harness, marta, "Transport")  # a third choice: max_choices is 2
    assert callback_answer(harness) == "Podeu triar com a màxim 2 opcions."
    assert labels(harness, marta)[:3] == ["✓ Escoles", "✓ Parcs", "Transport"]
    await press_label(harness, marta, "Fet")
    assert "Quina satisfacció?" in last_text(harness, marta)
    assert labels(harness, marta)[:5] == ["1", "2", "3", "4", "5"]
    await press_label(harness, marta, "4")
    assert "Per què la inclusió?" in last_text(harness, marta)  # show_if: inclusion chosen
    assert "· 4/5" in last_text(harness, marta)

    # The bot restarts: a new Dispatcher and Bot; nothing of Marta's progress is in memory.
    await harness.dp.storage.close()
    bot = make_bot(harness.config.token, harness.config.api_url)
    try:
        harness = Harness(
            fake, bot, build_dispatcher(harness.config, sessions), sessions, harness.config
        )
        # Two days later she presses the invitation's button again: the same question.
        await harness.press(marta, invite, invite.buttons[0]["callback_data"])
        resumed = last_text(harness, marta)
        assert "Hola de nou! Continueu on ho vau deixar." in resumed
        assert "Per què la inclusió?" in resumed and "· 4/5" in resumed

        # Her colleague opens the same consultation and sees Barcelona's answers so far.
        jordi_invite = fake.last_message(jordi.id)
        await harness.press(jordi, jordi_invite, jordi_invite.buttons[0]["callback_data"])
        seen = last_text(harness, jordi)
        assert "Marta ja ha respost per Barcelona." in seen  # Jordi reads Catalan too
        assert "1. Prioritat principal? — <b>Inclusió</b>" in seen
        assert "2. Quines accions? — <b>Escoles, Parcs</b>" in seen
        assert "Per què la inclusió?" in seen
        jordi_question = fake.last_message(jordi.id)

        # Bad input is answered clearly and nothing is lost.
        too_long = await harness.say(marta, "Perquè cap infant no es quedi enrere a cap barri")
        assert too_long.text == (
            "<i>Per què la inclusió?</i>\n"
            "La vostra resposta té 48 caràcters; el límit és 40. Envieu una resposta més curta."
        )
        await harness.say(marta, "Perquè ningú no es quedi enrere")
        assert "Pressupost (k€)?" in last_text(harness, marta)
        not_a_number = await harness.say(marta, "molts diners")
        assert not_a_number.text == "<i>Pressupost (k€)?</i>\nEscriviu un nombre de 0 a 1000."
        assert "Pressupost (k€)?" in fake.sent_messages(marta.id)[-2].text  # type: ignore[operator]

        # Jordi's screen is stale now: his Skip is answered and he sees where the city is.
        await harness.press(
            jordi, jordi_question, jordi_question.button(text="Saltar ▶")["callback_data"]
        )
        assert "pas anterior" in callback_answer(harness)
        assert "Pressupost (k€)?" in last_text(harness, jordi)

        review = await harness.say(marta, "250")
        assert "Reviseu les vostres respostes:" in (review.text or "")
        assert [line for line in (review.text or "").splitlines() if line[:2] in SEEN] == [
            "1. Prioritat principal? — <b>Inclusió</b>",
            "2. Quines accions? — <b>Escoles, Parcs</b>",
            "3. Quina satisfacció? — <b>4</b>",
            "4. Per què la inclusió? — <b>Perquè ningú no es quedi enrere</b>",
            "5. Pressupost (k€)? — <b>250</b>",
        ]
        await press_label(harness, marta, "Enviar")
        assert "Gràcies! Les respostes de Barcelona s'han enviat." in last_text(harness, marta)

        # João (Portuguese) chooses climate: the branch skips the "why" question.
        await harness.press(joao, fake.last_message(joao.id), f"co:{consultation_id}")
        await press_label(harness, joao, "Clima")
        await press_label(harness, joao, "Transportes")
        await press_label(harness, joao, "Concluído")
        assert "· 3/4" in last_text(harness, joao)
        await press_label(harness, joao, "2")
        assert "Orçamento (k€)?" in last_text(harness, joao) and "· 4/4" in last_text(harness, joao)
        await harness.say(joao, "80,5")
        assert "Porquê" not in last_text(harness, joao)
        await press_label(harness, joao, "Enviar")
        assert "Obrigado! As respostas de Lisboa foram enviadas." in last_text(harness, joao)

        # Claire (French) goes Back once, then finishes.
        await harness.press(claire, fake.last_message(claire.id), f"co:{consultation_id}")
        await press_label(harness, claire, "Climat")
        await press_label(harness, claire, "Parcs")
        await press_label(harness, claire, "Terminé")
        await press_label(harness, claire, "Retour")
        assert "Quelles actions ?" in last_text(harness, claire)
        assert labels(harness, claire)[:3] == ["Écoles", "✓ Parcs", "Transports"]
        await press_label(harness, claire, "Terminé")
        await press_label(harness, claire, "5")
        await harness.say(claire, "1000")
        await press_label(harness, claire, "Envoyer")
        assert "Merci ! Les réponses de Lyon sont envoyées." in last_text(harness, claire)

        # Jordi, before closing, changes Barcelona's budget.
        await press_label(harness, jordi, "Enrere")  # his screen is stale: Marta submitted
        assert "Canviar les respostes" in labels(harness, jordi)
        await press_label(harness, jordi, "Canviar les respostes")
        await press_label(harness, jordi, "✎ 5")
        assert "Resposta actual: 250" in last_text(harness, jordi)
        await harness.say(jordi, "300")
        assert "5. Pressupost (k€)? — <b>300</b>" in last_text(harness, jordi)
        await press_label(harness, jordi, "Enviar")
        assert "s'han enviat" in last_text(harness, jordi)

        # Closed: every button and typed answer is refused politely.
        await asyncio.to_thread(
            aive, database_url, tmp_path, "consultations", "close", str(consultation_id)
        )
        await press_label(harness, claire, "Modifier les réponses")
        assert callback_answer(harness) == (
            "Cette consultation est close ; les réponses ne peuvent plus être modifiées."
        )
        assert fake.last_message(claire.id).buttons == []
    finally:
        await harness.dp.storage.close()
        await bot.session.close()

    csv_path = tmp_path / "declaration.csv"
    await asyncio.to_thread(
        aive,
        database_url,
        tmp_path,
        "consultations",
        "export",
        str(consultation_id),
        "--out",
        str(csv_path),
    )
    async with sessions() as session:
        rows = (
            await session.scalars(
                select(ConsultationResponse).order_by(ConsultationResponse.submitted_at)
            )
        ).all()
    assert [r.status for r in rows] == [ResponseStatus.submitted] * 3
    lisboa_r, lyon_r, barcelona_r = rows
    when = {r.id: r.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ") for r in rows}  # type: ignore[union-attr]
    rows_written = [
        "response_id,city,country,language,submitted_at,priority,actions,satisfaction,why,budget,"
        "channel",
        f"{lisboa_r.id},Lisboa,PT,pt,{when[lisboa_r.id]},climate,transport,2,,80.5,bot",
        f"{lyon_r.id},Lyon,FR,fr,{when[lyon_r.id]},climate,parks,5,,1000,bot",
        f"{barcelona_r.id},Barcelona,ES,ca,{when[barcelona_r.id]},inclusion,schools;parks,4,"
        "Perquè ningú no es quedi enrere,300,bot",
    ]
    # every cell quoted, so that a spreadsheet splitting on ";" keeps "schools;parks" whole
    expected = "".join(
        ",".join(f'"{cell}"' for cell in row.split(",")) + "\r\n" for row in rows_written
    )
    assert csv_path.read_bytes().decode("utf-8") == expected


async def test_deep_link_opens_it_typing_on_a_button_question_is_guided_and_closing_refuses(
    harness: Harness, sessions: SessionFactory
) -> None:
    lyon = await add_city(sessions, "Lyon", "FR")
    claire = harness.fake.make_user("Claire", language_code="fr")
    await add_representative(sessions, claire, lyon, "fr")
    consultation_id = await create_declaration(sessions)
    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.open, actor="t")

    opened = await harness.say(claire, f"/start c{consultation_id}")
    assert "Priorité principale ?" in (opened.text or "")
    await harness.say(claire, "le climat")  # typed where buttons are expected
    assert harness.texts(claire)[-2] == "Veuillez répondre avec les boutons sous la question."
    assert "Priorité principale ?" in harness.texts(claire)[-1]
    await press_label(harness, claire, "Climat")
    question = harness.fake.last_message(claire.id)

    async with sessions() as session:
        await lifecycle.set_status(session, consultation_id, ConsultationStatus.closed, actor="t")
    refused = await harness.say(claire, "Écoles")
    assert refused.text == (
        "Cette consultation est close ; les réponses ne peuvent plus être modifiées."
    )
    await harness.press(claire, question, question.buttons[0]["callback_data"])
    assert callback_answer(harness).startswith("Cette consultation est close")
    async with sessions() as session:
        response = await session.scalar(select(ConsultationResponse))
    assert response is not None and response.answers == {"priority": "climate"}
