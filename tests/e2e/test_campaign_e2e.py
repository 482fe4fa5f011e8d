"""A whole International Day campaign under a controllable clock, from D-45 to D+7.

Three cities in three languages (Barcelona: Catalan and Spanish, Lisboa: Portuguese, Lyon:
French) with representatives in Telegram (a real aiogram Bot against the fake Bot API drains
the chat outbox) and email subscribers (the delivery engine writes `.eml` files). The scheduler
job is called at chosen moments; staff use the command line.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram import Bot
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli.main import app as cli
from campaigns.config import CampaignConfig
from campaigns.jobs import run_due_steps
from engagement.consultations import answering, response_access
from newsletter.delivery.events import Event, record_events
from storage.broadcasts import Broadcast, BroadcastMessage
from storage.campaigns import Campaign, StepStatus
from storage.consultations import Consultation, ConsultationStatus
from storage.deliveries import Delivery
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.people import Person
from tests.campaigns.support import World, build_world, drain_chat, drain_email, mails
from tests.fakes.telegram import FakeTelegram

runner = CliRunner()
YEAR = 2030
MADRID = ZoneInfo("Europe/Madrid")


def at(days: int, minutes: int = 5) -> datetime:
    """D+days, a few minutes after 09:00 Madrid time (when the job passes), in UTC."""
    day = date(YEAR, 11, 30) + timedelta(days=days)
    local = datetime.combine(day, time(9, 0), tzinfo=MADRID) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def aive(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = runner.invoke(cli, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


async def answer_all(
    sessions: SessionFactory, consultation_id: int, person_id: int, lang: str, answers: dict
) -> None:
    async with sessions() as session:
        now = at(-20)
        view = await response_access.start_or_resume(
            session, consultation_id, person_id, language=lang, now=now
        )
        for question, value in answers.items():
            if isinstance(value, list):
                for option in value:
                    view = await answering.toggle(
                        session, view.response_id, question, option, person_id=person_id, now=now
                    )
                view = await answering.go_to(
                    session, view.response_id, None, person_id=person_id, now=now
                )
            else:
                view = await answering.answer(
                    session, view.response_id, question, value, person_id=person_id, now=now
                )
        await answering.submit(session, view.response_id, person_id=person_id, now=now)


async def person_id(sessions: SessionFactory, world: World, name: str) -> int:
    async with sessions() as session:
        found = await session.scalar(
            select(Person.id).where(Person.telegram_id == world.users[name].id)
        )
        assert found is not None
        return found


async def counts(sessions: SessionFactory) -> tuple[int, int, int]:
    async with sessions() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(Broadcast)) or 0),
            int(await session.scalar(select(func.count()).select_from(BroadcastMessage)) or 0),
            int(await session.scalar(select(func.count()).select_from(Delivery)) or 0),
        )


async def step_status(sessions: SessionFactory, key: str) -> StepStatus:
    async with sessions() as session:
        campaign = await session.scalar(select(Campaign).where(Campaign.year == YEAR))
        assert campaign is not None
        step = campaign.step(key)
        assert step is not None
        return step.status


async def test_a_whole_campaign_runs_from_d45_to_d7_in_three_languages(
    sessions: SessionFactory,
    database_url: str,
    fake_telegram: FakeTelegram,
    telegram_bot: Bot,
    tmp_path: Path,
) -> None:
    fake = fake_telegram
    world = await build_world(sessions, fake)
    outbox = tmp_path / "outbox"
    env = {
        "AIVE_DATABASE_URL": database_url,
        "AIVE_OUTBOX_DIR": str(outbox),
        "AIVE_TIMEZONE": "Europe/Madrid",
    }
    config = CampaignConfig(
        timezone="Europe/Madrid", public_url="https://aive.example", files_dir=tmp_path / "files"
    )

    async def tick(moment: datetime) -> list[str]:
        return await run_due_steps(sessions, config, moment)

    async def cli(*args: str, code: int = 0) -> str:
        return await asyncio.to_thread(aive, env, *args, code=code)

    # Staff set up the year's campaign; the plan shows every step, its audience and counts.
    await cli("campaign", "create", "--year", str(YEAR), "--theme", "Cities that care")
    assert "already exists" in await cli("campaign", "create", "--year", str(YEAR), code=1)
    plan = json.loads(await cli("campaign", "plan", "--year", str(YEAR), "--json"))
    steps = {s["key"]: s for s in plan["steps"]}
    assert list(steps) == ["d-45", "d-30", "d-10", "d-1", "d", "d+7"]
    assert steps["d-45"]["local"] == "2030-10-16 09:00 Europe/Madrid"
    assert steps["d-45"]["recipients"] == {"email": 4, "chat": 4}  # not the unconfirmed one
    assert steps["d-1"]["recipients"] == {"email": 4, "chat": 5}  # everyone: Ana too
    assert steps["d+7"]["local"] == "2030-12-07 09:00 Europe/Madrid"

    # A dry run says who would get what, and sends nothing.
    dry = await cli("campaign", "launch", "--year", str(YEAR), "d-45", "--dry-run")
    assert "nothing is sent" in dry and "ca: 1 emails, 1 chats" in dry
    assert "expliqueu-nos les vostres activitats" in dry
    assert "nuria@bcn.example (ca)" in dry
    assert await counts(sessions) == (0, 0, 0)
    assert fake.calls_to("sendMessage") == []

    # The kit date moves two days later; staff will pause the declaration for a while.
    await cli("campaign", "move", "--year", str(YEAR), "d-10", "--to", "2030-11-22")
    await cli("campaign", "move", "--year", str(YEAR), "d-10", "--to", "not a date", code=2)

    # Nothing before its time.
    assert await tick(at(-46)) == []
    assert await tick(at(-45, minutes=-10)) == []

    # D-45: the call for activities opens; representatives get the invitation in their language.
    assert await tick(at(-45)) == [f"{YEAR}:d-45"]
    assert await tick(at(-45, minutes=10)) == []  # the next pass does nothing
    assert await drain_chat(sessions, telegram_bot) == 4
    invite = fake.last_message(world.users["marta"].id)
    assert (invite.text or "").startswith("S'ha obert una nova consulta")
    assert "Dia Internacional 2030: les activitats de la vostra ciutat" in (invite.text or "")
    assert invite.buttons[0]["text"] == "Respondre"
    assert "atividades da sua cidade" in (fake.last_message(world.users["joao"].id).text or "")
    assert "activités de votre ville" in (fake.last_message(world.users["claire"].id).text or "")
    assert await drain_email(sessions, outbox) == 4
    subjects = {str(m["To"]): " ".join(str(m["Subject"]).split()) for m in mails(outbox)}
    assert subjects["nuria@bcn.example"] == (
        "Dia Internacional de la Ciutat Educadora 2030: expliqueu-nos les vostres activitats"
    )
    assert subjects["rita@lisboa.example"].startswith("Dia Internacional da Cidade Educadora")
    assert subjects["lucia@bcn.example"].startswith("Día Internacional de la Ciudad Educadora")
    body = next(m for m in mails(outbox) if m["To"] == "paul@lyon.example")
    text = body.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Le thème de cette année : Cities that care." in text
    assert "jusqu'au 29 novembre 2030" in text  # the activities close with the D-1 reminder
    assert "https://aive.example/unsubscribe/" in text  # the placeholder was filled

    # A restart mid-campaign, even one that lost the step's "launched" mark, sends nothing twice.
    before = await counts(sessions)
    engine = create_engine(database_url)
    try:
        restarted = create_session_factory(engine)
        async with restarted() as session:
            campaign = await session.scalar(select(Campaign).where(Campaign.year == YEAR))
            assert campaign is not None
            campaign.step("d-45").status = StepStatus.planned  # type: ignore[union-attr]
            await session.commit()
        assert await run_due_steps(restarted, config, at(-44)) == [f"{YEAR}:d-45"]
    finally:
        await engine.dispose()
    assert await counts(sessions) == before
    assert await drain_chat(sessions, telegram_bot) == 0
    assert await drain_email(sessions, outbox) == 0

    # The three cities declare their activities (answers dated within the consultation).
    async with sessions() as session:
        activities = await session.scalar(
            select(Consultation.id).where(Consultation.slug == f"day-{YEAR}-activities")
        )
    assert activities is not None
    for name, lang, title in (
        ("marta", "ca", "Festa al carrer"),
        ("joao", "pt", "Caminhada escolar"),
        ("claire", "fr", "Forum des jeunes"),
    ):
        answers = {"title": title, "date": "30/11 10:00", "place": "Centre", "audience": "youth"}
        await answer_all(
            sessions, activities, await person_id(sessions, world, name), lang, answers
        )

    # D-30 is paused by staff: the job leaves it; once resumed, it goes out.
    await cli("campaign", "pause", "--year", str(YEAR), "d-30")
    assert await tick(at(-30)) == []
    assert await step_status(sessions, "d-30") == StepStatus.paused
    await cli("campaign", "resume", "--year", str(YEAR), "d-30")
    assert await tick(at(-30, minutes=60)) == [f"{YEAR}:d-30"]
    assert await drain_chat(sessions, telegram_bot) == 4
    assert "Declaració del Dia Internacional 2030" in (
        fake.last_message(world.users["marta"].id).text or ""
    )
    assert await drain_email(sessions, outbox) == 4
    async with sessions() as session:
        declaration = await session.scalar(
            select(Consultation.id).where(Consultation.slug == f"day-{YEAR}-declaration")
        )
    assert declaration is not None
    for name, lang, priorities in (
        ("jordi", "es", ["inclusion", "climate"]),
        ("joao", "pt", ["inclusion"]),
        ("claire", "fr", ["participation", "inclusion"]),
    ):
        await answer_all(
            sessions,
            declaration,
            await person_id(sessions, world, name),
            lang,
            {"priorities": priorities},
        )

    # D-10 was moved to D-8: nothing on D-10, the kit goes out on D-8 and the drafting closes.
    assert await tick(at(-10)) == []
    assert await tick(at(-8)) == [f"{YEAR}:d-10"]
    assert await step_status(sessions, "d-30") == StepStatus.done
    async with sessions() as session:
        closed = await session.get(Consultation, declaration)
        assert closed is not None and closed.status == ConsultationStatus.closed
    assert await drain_chat(sessions, telegram_bot) == 4  # the representatives
    kit = fake.last_message(world.users["claire"].id)
    assert "Votre kit pour le 30 novembre est prêt" in (kit.text or "")
    assert kit.buttons[0]["text"] == "Télécharger le kit"
    assert kit.buttons[0]["url"] == f"https://aive.example/campaigns/{YEAR}/kit/"
    assert await drain_email(sessions, outbox) == 4

    # D-1: the reminder reaches everyone; the call for activities closes.
    assert await tick(at(-1)) == [f"{YEAR}:d-1"]
    assert await step_status(sessions, "d-45") == StepStatus.done
    assert await drain_chat(sessions, telegram_bot) == 5
    assert "Tomorrow: International Day" in (fake.last_message(world.users["ana"].id).text or "")
    assert await drain_email(sessions, outbox) == 4

    # D: the celebration quotes the declaration drawn from the cities' priorities.
    assert await tick(at(0)) == [f"{YEAR}:d"]
    assert await drain_chat(sessions, telegram_bot) == 5
    day_message = fake.last_message(world.users["marta"].id).text or ""
    assert "Feliç Dia Internacional de la Ciutat Educadora!" in day_message
    assert "triades per 3 ciutats membres: Inclusió" in day_message
    assert await drain_email(sessions, outbox) == 4

    # Two readers open their email (the Event Webhook).
    async with sessions() as session:
        opened = (await session.scalars(select(Delivery).order_by(Delivery.id).limit(2))).all()
        events = [
            Event(f"ev{d.id}", "open", d.email, d.edition_id, d.subscriber_id, d.id, None, None)
            for d in opened
        ]
        await record_events(session, events, at(1))
        await session.commit()

    # D+7: the thank-you, with the report chart as a photo, in each language.
    assert await tick(at(7)) == [f"{YEAR}:d+7"]
    assert await drain_chat(sessions, telegram_bot) == 5
    photos = fake.calls_to("sendPhoto")
    assert len(photos) == 5
    thanks = fake.last_message(world.users["joao"].id)
    assert thanks.kind == "photo"
    assert "participaram 3 cidades, com 3 atividades em 3 países" in (thanks.caption or "")
    assert await drain_email(sessions, outbox) == 4
    assert await tick(at(8)) == []

    # Each step fired once, in each person's language.
    per_chat = Counter(
        int(c.params["chat_id"]) for c in fake.calls_to("sendMessage") + photos if c.status == 200
    )
    assert per_chat[world.users["marta"].id] == 6
    assert per_chat[world.users["ana"].id] == 3
    assert len(mails(outbox)) == 24  # 4 subscribers × 6 steps, the unconfirmed one never

    # The report: cities, activities by country and network, emails and chat reach.
    document = json.loads(
        await cli(
            "campaign", "report", "--year", str(YEAR), "--json", "--chart", str(tmp_path / "r.png")
        )
    )
    assert document["cities_taking_part"] == 3
    assert document["activities"]["total"] == 3
    assert document["activities"]["by_country"] == {"ES": 1, "FR": 1, "PT": 1}
    assert document["activities"]["by_network"] == {"francophone": 1, "portugal": 1, "spain": 1}
    assert document["emails"]["accepted"] == 24 and document["emails"]["opened"] == 2
    assert document["chat"]["sent"] == 27 and document["chat"]["people_reached"] == 5
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")
    # the thank-you's chart was drawn once per reader language
    charts = sorted(p.name for p in (tmp_path / "files").glob(f"campaign-{YEAR}-report-*.png"))
    assert charts == [
        f"campaign-{YEAR}-report-{lang}.png" for lang in ("ca", "en", "es", "fr", "pt")
    ]
