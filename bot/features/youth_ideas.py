"""Youth voice, an idea: title, text, one optional photo or voice note, city, theme; then it
goes to the staff (bot.youth_notices). /youth starts here once the profile is complete
(bot.features.youth)."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import youth_keyboards as kb
from bot.config import BotConfig
from bot.youth_keyboards import YouthCity, YouthSkipMedia
from bot.youth_keyboards import YouthTheme as ThemeChoice
from bot.youth_notices import notify_staff_of_submission
from engagement.reader_time import person_zone
from engagement.representatives import find_cities
from engagement.youth import rules, service
from engagement.youth.rules import MediaProblem, TextProblem
from i18n.times import local_time
from storage import people_queries
from storage.base import utcnow
from storage.people import Person
from storage.youth import MediaKind, Theme

_ = kb.catalog.text


class IdeaFlow(StatesGroup):
    title = State()
    text = State()
    media = State()
    city = State()
    theme = State()


async def start_idea(
    message: Message, session: AsyncSession, person: Person, state: FSMContext, config: BotConfig
) -> None:
    now = utcnow()
    times = await service.submission_times(session, person, now)
    later = rules.next_allowed_at(times, now)
    if later is not None:
        await state.clear()
        await message.answer(
            _(
                "You have already sent %(count)s ideas today, the most for one day. "
                "Thank you! You can send another one after %(when)s.",
                count=rules.MAX_PER_DAY,
                when=local_time(
                    later,
                    await person_zone(session, person, config.timezone),
                    person.language or config.default_language,
                ),
            )
        )
        return
    await state.set_state(IdeaFlow.title)
    await message.answer(
        _(
            "Let's share your idea! What is its title? (at most %(max)s characters)",
            max=rules.MAX_TITLE,
        )
    )


def text_refusal(problem: TextProblem, limit: int, length: int) -> str:
    if problem is TextProblem.empty:
        return _("Please write a few words.")
    return _(
        "That is %(length)s characters; the limit is %(max)s. Please make it shorter and send "
        "it again.",
        length=length,
        max=limit,
    )


def media_refusal(problem: MediaProblem) -> str:
    messages = {
        MediaProblem.photo_too_big: _("This photo is too big (the limit is 10 MB)."),
        MediaProblem.voice_too_big: _("This voice note is too big (the limit is 5 MB)."),
        MediaProblem.voice_too_long: _("This voice note is too long (the limit is 2 minutes)."),
    }
    return messages[problem] + " " + _("Send another one, or press Skip.")


async def title_typed(message: Message, state: FSMContext) -> None:
    title = (message.text or "").strip()
    if problem := rules.check_text(title, rules.MAX_TITLE):
        await message.answer(text_refusal(problem, rules.MAX_TITLE, len(title)))
        return
    await state.update_data(title=title)
    await state.set_state(IdeaFlow.text)
    await message.answer(
        _("Now tell us your idea, in at most %(max)s characters.", max=rules.MAX_TEXT)
    )


async def text_typed(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if problem := rules.check_text(text, rules.MAX_TEXT):
        await message.answer(text_refusal(problem, rules.MAX_TEXT, len(text)))
        return
    await state.update_data(text=text)
    await state.set_state(IdeaFlow.media)
    await message.answer(
        _("Would you like to add one photo or one voice note (up to 2 minutes)?"),
        reply_markup=kb.skip_media(),
    )


async def _take_media(
    message: Message, state: FSMContext, kind: MediaKind, file_id: str, problem: MediaProblem | None
) -> None:
    """Keep the photo or voice note (by file_id) and ask for the city, or say what is wrong."""
    if problem is not None:
        await message.answer(media_refusal(problem))
        return
    await state.update_data(media_kind=kind.value, media_file_id=file_id)
    await ask_city(message, state)


async def photo_sent(message: Message, state: FSMContext) -> None:
    largest = (message.photo or [])[-1]
    problem = rules.check_media(MediaKind.photo, largest.file_size)
    await _take_media(message, state, MediaKind.photo, largest.file_id, problem)


async def voice_sent(message: Message, state: FSMContext) -> None:
    voice = message.voice
    assert voice is not None
    problem = rules.check_media(MediaKind.voice, voice.file_size, voice.duration)
    await _take_media(message, state, MediaKind.voice, voice.file_id, problem)


async def other_media(message: Message) -> None:
    mime = message.document.mime_type or "" if message.document else ""
    if mime.startswith("image/"):
        text = _("Please send this picture as a photo, not as a file.")
    else:
        text = _("I can only take one photo or one voice note.")
    await message.answer(text + " " + _("Send one, or press Skip."), reply_markup=kb.skip_media())


async def media_skipped(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await ask_city(query.message, state)


async def city_typed(message: Message, session: AsyncSession) -> None:
    found = await find_cities(session, message.text or "")
    if not found:
        await message.answer(
            _(
                "I could not find a member city called “%(name)s”. Check the spelling and "
                "type it again.",
                name=html.escape((message.text or "")[:100]),
            )
        )
        return
    await message.answer(_("Which one is it?"), reply_markup=kb.cities(found))


async def city_chosen(
    query: CallbackQuery, callback_data: YouthCity, session: AsyncSession, state: FSMContext
) -> None:
    await query.answer()
    city = await people_queries.city_by_id(session, callback_data.city_id)
    if city is None or not isinstance(query.message, Message):
        return
    await state.update_data(city_id=city.id)
    await state.set_state(IdeaFlow.theme)
    await query.message.answer(_("Last question: what is it about?"), reply_markup=kb.themes())


async def theme_chosen(
    query: CallbackQuery,
    callback_data: ThemeChoice,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    i18n: I18n,
    bot: Bot,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await submit(query.message, session, person, state, i18n, bot, Theme(callback_data.theme))


async def ask_city(message: Message, state: FSMContext) -> None:
    await state.set_state(IdeaFlow.city)
    await message.answer(_("Which city is your idea for? Type its name."))


async def submit(
    message: Message,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    i18n: I18n,
    bot: Bot,
    theme: Theme,
) -> None:
    data = await state.get_data()
    await state.clear()
    if "title" not in data or "text" not in data:  # the bot restarted in between
        await message.answer(_("Sorry, I lost your idea on the way. Please write /youth again."))
        return
    profile = await service.get_profile(session, person)
    now = utcnow()
    if rules.missing_step(service.facts(profile)) is not None:
        await message.answer(_("Please write /youth to finish setting up first."))
        return
    if rules.next_allowed_at(await service.submission_times(session, person, now), now):
        await message.answer(_("You have already sent the most ideas for one day."))
        return
    draft = service.Draft(
        title=data["title"],
        text=data["text"],
        theme=theme,
        city_id=data.get("city_id"),
        media_kind=MediaKind(data["media_kind"]) if data.get("media_kind") else None,
        media_file_id=data.get("media_file_id"),
    )
    submission = await service.create_submission(session, person, draft, now)
    await session.commit()
    await message.answer(
        _(
            "Thank you! Your idea “%(title)s” is with the secretariat. I will tell you here "
            "when they have read it.",
            title=html.escape(submission.title),
        )
    )
    assert profile is not None
    await notify_staff_of_submission(bot, session, i18n, submission, profile)


def build_router() -> Router:
    router = Router(name="youth_ideas")
    router.message.register(title_typed, IdeaFlow.title, F.text)
    router.message.register(text_typed, IdeaFlow.text, F.text)
    router.message.register(photo_sent, IdeaFlow.media, F.photo)
    router.message.register(voice_sent, IdeaFlow.media, F.voice)
    router.message.register(other_media, IdeaFlow.media)
    router.callback_query.register(media_skipped, YouthSkipMedia.filter(), IdeaFlow.media)
    router.message.register(city_typed, IdeaFlow.city, F.text)
    router.callback_query.register(city_chosen, YouthCity.filter(), IdeaFlow.city)
    router.callback_query.register(theme_chosen, ThemeChoice.filter(), IdeaFlow.theme)
    return router
