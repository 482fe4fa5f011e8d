"""Answers to the native polls we sent: `poll_answer` updates (non-anonymous polls) store the
person's answer, merged by option id; `poll` updates (Telegram's counts of each poll we sent)
keep the counts of anonymous polls. The secretariat's `/polls` is in bot.features.polls_staff."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Poll as TelegramPoll
from aiogram.types import PollAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.polls import service
from storage.people import Person


async def answered(answer: PollAnswer, session: AsyncSession, person: Person | None) -> None:
    if person is None:  # a channel voting as itself: not a person we can count
        return
    await service.record_answer(session, answer.poll_id, person, answer.option_ids)


async def poll_state(poll: TelegramPoll, session: AsyncSession) -> None:
    counts = [o.voter_count for o in poll.options]
    await service.record_poll_state(session, poll.id, counts, poll.total_voter_count)


def build_router() -> Router:
    router = Router(name="polls")
    router.poll_answer.register(answered)
    router.poll.register(poll_state)
    return router
