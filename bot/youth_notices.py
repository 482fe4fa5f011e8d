"""Youth voice, what the bot tells about an idea: each new idea reaches every staff member's
private chat (with its photo or voice note, and the review buttons); the author is told the
decision in their language."""

from __future__ import annotations

import html
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import youth_keyboards as kb
from bot.notices import reader_language, send_quietly, tell_every_staff
from bot.staff_notices import catalog as staff_catalog
from engagement.cafes.messages import language_name
from engagement.youth import rules, service
from storage.people import Person
from storage.youth import AgeBracket, MediaKind, SubmissionStatus, YouthProfile, YouthSubmission

log = logging.getLogger(__name__)
_ = kb.catalog.text
__ = staff_catalog.text  # what only staff read (the staff_notices domain), formal


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

    async def send(chat_id: int, lang: str) -> bool:
        return await show_to_staff(bot, chat_id, submission, profile, lang)

    return await tell_every_staff(bot, session, i18n, send, f"youth submission {submission.id}")


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
    profile = await service.get_profile(session, author)
    signed = profile is not None and bool(rules.signature(profile.publish_as, profile.first_name))
    text = outcome_for_author(submission, reader_language(author, i18n), signed)
    await send_quietly(bot, author.telegram_id, text)
