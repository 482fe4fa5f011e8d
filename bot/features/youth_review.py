"""Youth voice, the secretariat's side: `/ideas` shows the ideas waiting, each with Approve /
Reject (reason) / Ask for changes; the author is told in their language (bot.youth_notices).
Behind the staff gate."""

from __future__ import annotations

import html
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import youth_keyboards as kb
from bot.staff_notices import catalog as staff_catalog
from bot.youth_keyboards import YouthReview
from bot.youth_notices import show_to_staff, tell_author
from engagement.cafes.messages import language_name
from engagement.youth import rules, service
from storage import people_queries
from storage.base import utcnow
from storage.people import Person
from storage.youth import (
    SubmissionStatus,
)

log = logging.getLogger(__name__)
_ = kb.catalog.text
__ = staff_catalog.text  # what only staff read (the staff_notices domain), formal
MAX_REASON = rules.MAX_REASON
STATUS_OF = {
    "approve": SubmissionStatus.approved,
    "reject": SubmissionStatus.rejected,
    "changes": SubmissionStatus.changes_requested,
}


class ReviewFlow(StatesGroup):
    reason = State()  # a staff member types why (reject, ask for changes)


def verdict(status: SubmissionStatus, staff: Person) -> str:
    words = {
        SubmissionStatus.approved: _("Approved"),
        SubmissionStatus.rejected: _("Rejected"),
        SubmissionStatus.changes_requested: _("Changes requested"),
    }
    return f"{words[status]} ({html.escape(staff.display_name)})"


async def conclude(
    bot: Bot,
    session: AsyncSession,
    i18n: I18n,
    staff: Person,
    submission_id: int,
    status: SubmissionStatus,
    reason: str | None = None,
) -> tuple[bool, str]:
    """Record the decision and tell the author: (True, the line to add to the staff message),
    or (False, why nothing changed)."""
    decision = await service.decide(session, submission_id, staff, status, utcnow(), reason)
    await session.commit()
    if decision.outcome is service.Outcome.gone:
        return False, _("This idea no longer exists.")
    if decision.outcome is service.Outcome.already_decided:
        return False, _("Someone already decided this idea.")
    assert decision.submission is not None
    await tell_author(bot, session, i18n, decision.author, decision.submission)
    return True, verdict(status, staff)


async def mark_message(bot: Bot, chat_id: int, message_id: int, html_text: str, line: str) -> None:
    """Add the verdict under the idea, and drop its buttons."""
    try:
        await bot.edit_message_text(
            f"{html_text}\n\n{line}", chat_id=chat_id, message_id=message_id
        )
    except TelegramAPIError as exc:
        log.info("could not mark the youth review message: %s", exc)


async def list_pending(message: Message, session: AsyncSession, i18n: I18n, bot: Bot) -> None:
    waiting = await service.pending_submissions(session)
    if not waiting:
        await message.answer(_("No youth idea is waiting."))
        return
    for submission in waiting:
        author = await people_queries.person_by_id(session, submission.person_id)
        profile = await service.get_profile(session, author) if author else None
        await show_to_staff(bot, message.chat.id, submission, profile, i18n.current_locale)


async def approve(
    query: CallbackQuery,
    callback_data: YouthReview,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    bot: Bot,
) -> None:
    done, line = await conclude(
        bot, session, i18n, person, callback_data.submission_id, SubmissionStatus.approved
    )
    if not done:
        await query.answer(line, show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message) and query.message.text:
        await mark_message(
            bot, query.message.chat.id, query.message.message_id, query.message.html_text, line
        )


async def ask_reason(
    query: CallbackQuery,
    callback_data: YouthReview,
    session: AsyncSession,
    state: FSMContext,
    i18n: I18n,
) -> None:
    submission = await service.get_submission(session, callback_data.submission_id)
    if submission is None or submission.status is not SubmissionStatus.pending:
        await query.answer(_("Someone already decided this idea."), show_alert=True)
        return
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    author = await people_queries.person_by_id(session, submission.person_id)
    reads = author.language if author and author.language else submission.language
    await state.set_state(ReviewFlow.reason)
    await state.update_data(
        submission_id=submission.id,
        action=callback_data.action,
        chat_id=message.chat.id if message else None,
        message_id=message.message_id if message else None,
        text=message.html_text if message and message.text else None,
    )
    if message is not None:
        staff_lang = i18n.current_locale
        await message.answer(
            __(
                "Type the reason in one message. The young person reads it in "
                "%(language)s: write it in %(language)s if you can.",
                staff_lang,
                language=language_name(reads, staff_lang),
            )
        )


async def reason_typed(
    message: Message,
    session: AsyncSession,
    person: Person,
    i18n: I18n,
    bot: Bot,
    state: FSMContext,
) -> None:
    reason = (message.text or "").strip()
    if rules.check_text(reason, MAX_REASON) is not None:
        await message.answer(
            __("Please write the reason in at most %(max)s characters.", max=MAX_REASON)
        )
        return
    data = await state.get_data()
    await state.clear()
    status = STATUS_OF[data["action"]]
    done, line = await conclude(bot, session, i18n, person, data["submission_id"], status, reason)
    if not done:
        await message.answer(line)
        return
    await message.answer(_("Done: the author was told."))
    if data.get("chat_id") and data.get("message_id") and data.get("text"):
        await mark_message(bot, data["chat_id"], data["message_id"], data["text"], line)


def build_router() -> Router:
    router = Router(name="youth_review")
    router.message.register(list_pending, Command("ideas"))
    router.callback_query.register(approve, YouthReview.filter(F.action == "approve"))
    router.callback_query.register(
        ask_reason, YouthReview.filter(F.action.in_({"reject", "changes"}))
    )
    router.message.register(reason_typed, ReviewFlow.reason, F.text)
    return router
