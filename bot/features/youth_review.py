"""Youth voice, the secretariat's side: each idea reaches every staff member's private chat
with Approve / Reject (reason) / Ask for changes; the author is told in their language.
Every button and command here is refused to non-staff."""

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
from bot.filters import IsStaff
from bot.notices import reader_language, send_quietly
from bot.staff_notices import catalog as staff_catalog
from bot.youth_keyboards import YouthReview
from engagement.cafes.messages import language_name
from engagement.representatives import staff_people
from engagement.youth import rules, service
from storage.base import utcnow
from storage.people import Person
from storage.youth import (
    AgeBracket,
    MediaKind,
    SubmissionStatus,
    YouthProfile,
    YouthSubmission,
)

log = logging.getLogger(__name__)
_ = kb.catalog.text
__ = staff_catalog.text  # what only staff read (the staff_notices domain), formal
MAX_REASON = 500
STATUS_OF = {
    "approve": SubmissionStatus.approved,
    "reject": SubmissionStatus.rejected,
    "changes": SubmissionStatus.changes_requested,
}


class ReviewFlow(StatesGroup):
    reason = State()  # a staff member types why (reject, ask for changes)


def summary(submission: YouthSubmission, profile: YouthProfile | None, lang: str) -> str:
    """What staff read about an idea (at most ~2,600 characters: under Telegram's 4,096)."""
    signed = rules.signature(profile.publish_as, profile.first_name) if profile else None
    if profile is None:
        age = "?"
    else:
        age = kb.age_label(profile.age_bracket, lang)
        if profile.age_bracket is AgeBracket.under_16 and profile.guardian_consent_at:
            age += " · " + _("a parent or guardian agreed", lang)
    city = f"{submission.city.name} ({submission.city.country})" if submission.city else "?"
    facts = [
        _("Theme: %(theme)s", lang, theme=kb.theme_label(submission.theme, lang)),
        _("City: %(city)s", lang, city=html.escape(city)),
        _("Language: %(language)s", lang, language=language_name(submission.language, lang)),
        _("Age: %(age)s", lang, age=age),
        _("Signed: %(name)s", lang, name=html.escape(signed) if signed else _("anonymous", lang)),
    ]
    return "\n".join(
        [
            _("New youth idea #%(id)s", lang, id=submission.id),
            f"<b>{html.escape(submission.title)}</b>",
            html.escape(submission.text),
            "",
            *facts,
        ]
    )


async def send_media(bot: Bot, chat_id: int, submission: YouthSubmission, lang: str) -> None:
    """The photo or voice note, by Telegram file_id (we never download it), captioned with
    the idea it belongs to."""
    if not submission.media_file_id:
        return
    caption = __(
        "Youth idea #%(id)s: “%(title)s”",
        lang,
        id=submission.id,
        title=html.escape(submission.title),
    )
    try:
        if submission.media_kind is MediaKind.photo:
            await bot.send_photo(chat_id, submission.media_file_id, caption=caption)
        elif submission.media_kind is MediaKind.voice:
            await bot.send_voice(chat_id, submission.media_file_id, caption=caption)
    except TelegramAPIError as exc:
        log.warning("could not send youth media %s to %s: %s", submission.id, chat_id, exc)


async def show_to_staff(
    bot: Bot, chat_id: int, submission: YouthSubmission, profile: YouthProfile | None, lang: str
) -> bool:
    await send_media(bot, chat_id, submission, lang)
    return await send_quietly(
        bot, chat_id, summary(submission, profile, lang), kb.review(submission.id, lang)
    )


async def notify_staff_of_submission(
    bot: Bot, session: AsyncSession, i18n: I18n, submission: YouthSubmission, profile: YouthProfile
) -> int:
    """Send the idea to every staff member's private chat; how many got it."""
    sent = 0
    for staff in await staff_people(session):
        assert staff.telegram_id is not None
        lang = reader_language(staff, i18n)
        sent += await show_to_staff(bot, staff.telegram_id, submission, profile, lang)
    if not sent:
        log.warning("youth submission %s: no staff member could be told", submission.id)
    return sent


def outcome_for_author(submission: YouthSubmission, lang: str, signed: bool) -> str:
    title = html.escape(submission.title)
    reason = html.escape(submission.reason or "")
    if submission.status is SubmissionStatus.approved:
        how = (
            _("It will be signed with your first name.", lang)
            if signed
            else _("It will be published without your name.", lang)
        )
        return (
            _(
                "Good news! The secretariat approved your idea “%(title)s”. It may appear in the "
                "network's next bulletin and campaign materials.",
                lang,
                title=title,
            )
            + " "
            + how
        )
    if submission.status is SubmissionStatus.rejected:
        return _(
            "Thank you for your idea “%(title)s”. The secretariat cannot publish it this time. "
            "Their reason: %(reason)s",
            lang,
            title=title,
            reason=reason,
        )
    return _(
        "The secretariat would like some changes to your idea “%(title)s”: %(reason)s\n"
        "When it is ready, send it again with /youth.",
        lang,
        title=title,
        reason=reason,
    )


async def tell_author(
    bot: Bot, session: AsyncSession, i18n: I18n, author: Person | None, submission: YouthSubmission
) -> None:
    if author is None or author.telegram_id is None:
        return
    profile = await session.get(YouthProfile, author.id)
    signed = profile is not None and bool(rules.signature(profile.publish_as, profile.first_name))
    text = outcome_for_author(submission, reader_language(author, i18n), signed)
    await send_quietly(bot, author.telegram_id, text)


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


def build_router() -> Router:
    router = Router(name="youth_review")

    @router.callback_query(YouthReview.filter(), ~IsStaff())
    async def refuse_button(query: CallbackQuery) -> None:
        await query.answer(_("Only the secretariat staff can decide this."), show_alert=True)

    @router.message(Command("ideas"), IsStaff())
    async def list_pending(message: Message, session: AsyncSession, i18n: I18n, bot: Bot) -> None:
        waiting = await service.pending_submissions(session)
        if not waiting:
            await message.answer(_("No youth idea is waiting."))
            return
        for submission in waiting:
            profile = (
                await session.get(YouthProfile, submission.person_id)
                if submission.person_id
                else None
            )
            await show_to_staff(bot, message.chat.id, submission, profile, i18n.current_locale)

    @router.callback_query(YouthReview.filter(F.action == "approve"), IsStaff())
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

    @router.callback_query(YouthReview.filter(F.action.in_({"reject", "changes"})), IsStaff())
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
        author = await session.get(Person, submission.person_id) if submission.person_id else None
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

    @router.message(ReviewFlow.reason, F.text, IsStaff())
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
        done, line = await conclude(
            bot, session, i18n, person, data["submission_id"], status, reason
        )
        if not done:
            await message.answer(line)
            return
        await message.answer(_("Done: the author was told."))
        if data.get("chat_id") and data.get("message_id") and data.get("text"):
            await mark_message(bot, data["chat_id"], data["message_id"], data["text"], line)

    return router
