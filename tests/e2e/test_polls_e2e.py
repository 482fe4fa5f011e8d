"""A poll from creation to closing over the fake Bot API with a real aiogram Bot: sent in each
reader's language, answers merged across languages, every sent poll stopped once, also across
a restart."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.session import make_bot
from engagement.polls import service
from storage.broadcasts import BroadcastMessage, MessageState
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.polls import Poll, PollStatus, PollVote
from tests.bot.conftest import Harness
from tests.bot.consultation_support import add_city, add_representative, drain_outbox
from tests.bot.poll_support import close_polls, create_theme, only_poll, stopped_messages
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_objects import FakeUser


async def three_cities(harness: Harness) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Marta (Barcelona, Catalan), Joan (Girona, English), João (Lisboa, Portuguese)."""
    sessions, fake = harness.sessions, harness.fake
    barcelona = await add_city(sessions, "Barcelona", "ES", "spain")
    girona = await add_city(sessions, "Girona", "ES", "spain")
    lisboa = await add_city(sessions, "Lisboa", "PT", "portugal")
    marta, joan, joao = (fake.make_user(n) for n in ("Marta", "Joan", "João"))
    await add_representative(sessions, marta, barcelona, "ca")
    await add_representative(sessions, joan, girona, "en")
    await add_representative(sessions, joao, lisboa, "pt")
    return marta, joan, joao


async def test_a_poll_in_two_languages_merges_answers_and_is_stopped_at_closing(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    marta, joan, joao = await three_cities(harness)
    bystander = fake.make_user("Ana")  # not a representative: gets nothing
    poll = await create_theme(sessions)
    assert await drain_outbox(harness) == 3

    to_marta, to_joan, to_joao = (only_poll(fake, u) for u in (marta, joan, joao))
    assert to_marta.poll is not None and to_joao.poll is not None
    assert (to_marta.poll.question, to_marta.poll.options) == (
        "Quin tema per al 2027?",
        ["Inclusió", "Clima", "Cultura"],
    )
    # Portuguese is not among the poll's languages: English
    assert to_joao.poll.question == "Which theme for 2027?"
    assert not to_marta.poll.is_anonymous
    assert fake.sent_polls(bystander.id) == []

    fake.user_answers_poll(marta, to_marta, [0])
    fake.user_answers_poll(joan, to_joan, [1])  # changes their mind below
    fake.user_answers_poll(joao, to_joao, [0])
    fake.user_answers_poll(joan, to_joan, [0])
    await harness.process()

    async with sessions() as session:
        found = await service.poll_results(session, poll.id)
        votes = (await session.scalars(select(PollVote))).all()
    assert len(votes) == 3  # one per person, the changed answer replaced
    assert [(o.id, o.count, o.percent) for o in found.options] == [
        ("inclusion", 3, 100.0),
        ("climate", 0, 0.0),
        ("culture", 0, 0.0),
    ]
    assert found.voters == 3 and found.sent == 3
    assert found.languages == {"ca": 1, "en": 2}
    assert {n.network: (n.voters, n.options[0].count) for n in found.networks} == {
        "portugal": (1, 1),
        "spain": (2, 2),
    }

    # before the closing time the job leaves it alone
    early = await close_polls(sessions, harness.bot, poll.closes_at - timedelta(minutes=1))
    assert early.stopped == 0 and fake.calls_to("stopPoll") == []

    report = await close_polls(sessions, harness.bot, poll.closes_at + timedelta(minutes=1))
    assert (report.stopped, report.polls_closed, report.refused) == (3, 1, 0)
    assert all(m.poll is not None and m.poll.is_closed for m in (to_marta, to_joan, to_joao))
    stopped = await stopped_messages(sessions, poll.id)
    assert len(stopped) == 3 and all(s.stop_error is None for s in stopped)
    assert sorted(s.total_voters for s in stopped) == [1, 1, 1]

    again = await close_polls(sessions, harness.bot, poll.closes_at + timedelta(minutes=2))
    assert again.stopped == 0 and len(fake.calls_to("stopPoll")) == 3
    async with sessions() as session:
        closed = await session.get(Poll, poll.id)
        assert closed is not None and closed.status == PollStatus.closed
        assert (await service.poll_results(session, poll.id)).stopped == 3


async def test_answers_after_closing_time_are_not_counted_and_a_vote_can_be_withdrawn(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    marta, joan, _joao = await three_cities(harness)
    poll = await create_theme(sessions)
    await drain_outbox(harness)
    fake.user_answers_poll(marta, only_poll(fake, marta), [2])
    fake.user_answers_poll(joan, only_poll(fake, joan), [1])
    fake.user_answers_poll(joan, only_poll(fake, joan), [])  # Telegram's "retract vote"
    await harness.process()
    async with sessions() as session:
        found = await service.poll_results(session, poll.id)
        assert [o.count for o in found.options] == [0, 0, 1] and found.voters == 1
        late = await service.record_answer(
            session,
            only_poll(fake, joan).poll.id,  # type: ignore[union-attr]
            await harness.person(joan),  # type: ignore[arg-type]
            [0],
            now=poll.closes_at + timedelta(seconds=1),
        )
        assert late == service.AnswerOutcome.closed
        assert (await service.poll_results(session, poll.id)).voters == 1


async def test_anonymous_poll_counts_come_from_telegram_and_have_no_network_breakdown(
    harness: Harness, sessions: SessionFactory
) -> None:
    fake = harness.fake
    marta, joan, joao = await three_cities(harness)
    poll = await create_theme(sessions, anonymous=True)
    await drain_outbox(harness)
    to_marta, to_joan, to_joao = (only_poll(fake, u) for u in (marta, joan, joao))
    assert to_marta.poll is not None and to_marta.poll.is_anonymous
    # Anonymous votes reach the bot only as counts: a `poll` update for Marta's poll …
    to_marta.poll.votes[marta.id] = [1]
    fake._queue(poll=to_marta.poll.to_api())
    await harness.process()
    async with sessions() as session:
        assert [o.count for o in (await service.poll_results(session, poll.id)).options] == [
            0,
            1,
            0,
        ]
    # … and the final state stopPoll returns for the others
    to_joan.poll.votes[joan.id] = [1]  # type: ignore[union-attr]
    to_joao.poll.votes[joao.id] = [2]  # type: ignore[union-attr]
    await close_polls(sessions, harness.bot, poll.closes_at + timedelta(minutes=1))
    async with sessions() as session:
        found = await service.poll_results(session, poll.id)
        assert await session.scalar(select(PollVote.id)) is None  # nothing per person
    assert [(o.id, o.count, o.percent) for o in found.options] == [
        ("inclusion", 0, 0.0),
        ("climate", 2, 66.7),
        ("culture", 1, 33.3),
    ]
    assert found.voters == 3 and found.networks == [] and found.anonymous


async def test_a_restart_between_sending_and_closing_loses_no_stop_and_repeats_none(
    harness: Harness,
    engine: AsyncEngine,
    database_url: str,
    fake_telegram: FakeTelegram,
) -> None:
    marta, joan, joao = await three_cities(harness)
    poll = await create_theme(harness.sessions)
    await drain_outbox(harness)
    # The first scheduler stopped Marta's poll, then died before recording it.
    first = only_poll(fake_telegram, marta)
    await harness.bot.stop_poll(marta.id, first.message_id)
    await engine.dispose()  # the old process is gone

    for _run in range(2):  # a new process; then another one a minute later
        new_engine = create_engine(database_url)
        bot: Bot = make_bot(fake_telegram.token, fake_telegram.url)
        try:
            await close_polls(
                create_session_factory(new_engine), bot, poll.closes_at + timedelta(minutes=1)
            )
        finally:
            await bot.session.close()
            await new_engine.dispose()

    stops = [c for c in fake_telegram.calls_to("stopPoll") if c.status == 200]
    assert sorted(int(c.params["chat_id"]) for c in stops) == sorted([marta.id, joan.id, joao.id])
    sessions = create_session_factory(engine)
    stopped = await stopped_messages(sessions, poll.id)
    assert len(stopped) == 3
    assert [s.stop_error for s in stopped].count(None) == 2  # Marta's: "already closed"
    async with sessions() as session:
        closed = await session.get(Poll, poll.id)
        assert closed is not None and closed.status == PollStatus.closed


async def test_a_poll_not_yet_sent_at_closing_time_is_never_sent(
    harness: Harness, sessions: SessionFactory
) -> None:
    await three_cities(harness)
    poll = await create_theme(sessions)
    report = await close_polls(sessions, harness.bot, poll.closes_at + timedelta(minutes=1))
    assert (report.cancelled, report.polls_closed) == (3, 1)
    assert await drain_outbox(harness) == 0
    async with sessions() as session:
        states = (await session.scalars(select(BroadcastMessage.state))).all()
    assert set(states) == {MessageState.cancelled}
