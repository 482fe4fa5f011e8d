"""What a participant sees of a consultation: one screen per question, the review, the thanks.

Pure: each function takes a ResponseView and the reader's language and returns the text (HTML)
and the inline keyboard. Callback data stays far under Telegram's 64 bytes: `ca:<response id>:
<question index>:<option index>:<action>`, e.g. `ca:1042:3:2:t` (13 bytes).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import FeatureCatalog
from engagement.consultations import flow
from engagement.consultations.errors import AnswerError, InvalidAnswer
from engagement.consultations.invitations import OPEN_PREFIX
from engagement.consultations.messages import SKIPPED, explain_answer, range_words, translate
from engagement.consultations.response_access import ResponseView
from engagement.consultations.schema import Question, QuestionType, localized
from i18n.times import local_time

catalog = FeatureCatalog("consultations")
_ = catalog.text
REVIEW = -1  # the question index of the review screen
EDIT_BUTTONS_PER_ROW = 5


class Act(StrEnum):
    option = "o"  # single choice or scale: answer with option `o`
    toggle = "t"  # multi choice: add or remove option `o`
    done = "d"  # multi choice: the selection is the answer
    skip = "s"
    back = "b"
    edit = "e"  # from the review: go to question `o`
    submit = "x"
    change = "c"  # after submitting: edit again


class Step(CallbackData, prefix="ca"):
    r: int  # response id
    q: int  # question index in the definition, REVIEW for the review
    o: int = -1  # option index (choices) or step index from min (scales)
    a: Act
    v: int = -1  # the response's version the screen showed (-1: not checked)


class OpenConsultation(CallbackData, prefix=OPEN_PREFIX):
    c: int  # consultation id


Screen = tuple[str, InlineKeyboardMarkup | None]


def index_of(view: ResponseView, question: Question | None) -> int:
    if question is None:
        return REVIEW
    return [q.id for q in view.definition.questions].index(question.id)


def _button(text: str, view: ResponseView, q: int, act: Act, o: int = -1) -> InlineKeyboardButton:
    data = Step(r=view.response_id, q=q, o=o, a=act, v=view.version).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def scale_values(question: Question) -> list[int]:
    assert question.min is not None and question.max is not None
    return list(range(int(question.min), int(question.max) + 1))


def _hint(question: Question, lang: str) -> str:
    if question.type == QuestionType.single_choice:
        return _("Choose one option.", lang)
    if question.type == QuestionType.multi_choice:
        if question.max_choices and question.max_choices < len(question.options or ()):
            return _("Choose up to %(n)s options, then press Done.", lang, n=question.max_choices)
        return _("Choose one or more options, then press Done.", lang)
    if question.type == QuestionType.scale:
        return _("From %(min)s (lowest) to %(max)s (highest).", lang, **_limits(question))
    if question.type == QuestionType.text:
        return _("Type your answer (up to %(n)s characters).", lang, n=question.text_limit)
    if question.min is not None and question.max is not None:
        return _("Type a number from %(min)s to %(max)s.", lang, **_limits(question))
    return _("Type a number.", lang)


SHORT_QUESTION = 80  # characters of a question repeated above a refusal


def refused_answer(question: Question, error: InvalidAnswer, lang: str) -> str:
    """Why a typed answer was refused, under the question's short form, saying what this
    question expects (a number: its range; never an example it would refuse)."""
    text = localized(question.text, lang)
    if len(text) > SHORT_QUESTION:
        text = text[: SHORT_QUESTION - 1].rstrip() + "…"
    if question.type == QuestionType.number and error.code == AnswerError.not_a_number:
        reason = _hint(question, lang)
    else:
        reason = explain_answer(error, lang)
        if error.code == AnswerError.too_long:
            reason += " " + _("Please send a shorter answer.", lang)
    return f"<i>{html.escape(text)}</i>\n{html.escape(reason)}"


def _limits(question: Question) -> dict[str, Any]:
    def plain(x: float | None) -> Any:
        return int(x) if x is not None and float(x).is_integer() else x

    low, high = plain(question.min), plain(question.max)
    return {"min": low, "max": high, **range_words(low, high)}


def _header(view: ResponseView, lang: str) -> str:
    title = html.escape(localized(view.definition.title, lang))
    where = ""
    if (progress := view.progress) is not None:
        where = " · " + (
            str(progress)
            if progress.exact
            else _("%(n)s of up to %(total)s", lang, n=progress.position, total=progress.total)
        )
    return f"<b>{title}</b>{where}"


def _web_row(web_link: str | None, lang: str) -> list[list[InlineKeyboardButton]]:
    """The "answer on the web instead" button: the same response, opened in a browser."""
    if not web_link:
        return []
    return [[InlineKeyboardButton(text="🌐 " + _("Answer on the web instead", lang), url=web_link)]]


def question_screen(
    view: ResponseView, lang: str, preamble: str = "", web_link: str | None = None
) -> Screen:
    """The current question with its buttons (options, scale, Done, Back, Skip, the web)."""
    question = view.current
    assert question is not None
    index = index_of(view, question)
    given = view.answers.get(question.id)
    lines = [preamble, ""] if preamble else []
    lines += [_header(view, lang), html.escape(localized(question.text, lang)), ""]
    hint = _hint(question, lang)
    if not question.required:
        hint += " " + _("This question is optional.", lang)
    lines.append(f"<i>{hint}</i>")
    if question.id in view.answers and not question.is_choice:
        shown = flow.answer_text(question, given, lang) or translate(SKIPPED, lang)
        lines.append(_("Current answer: %(answer)s", lang, answer=html.escape(shown)))
    rows: list[list[InlineKeyboardButton]] = []
    chosen = set(given if isinstance(given, list) else [given])
    if question.is_choice:
        toggle = question.type == QuestionType.multi_choice
        for i, option in enumerate(question.options or ()):
            mark = "✓ " if option.id in chosen else ""
            act = Act.toggle if toggle else Act.option
            rows.append([_button(mark + localized(option.text, lang), view, index, act, i)])
        if toggle:
            rows.append([_button(_("Done", lang), view, index, Act.done)])
    elif question.type == QuestionType.scale:
        values = scale_values(question)
        rows.append(
            [
                _button(("✓" if v in chosen else "") + str(v), view, index, Act.option, i)
                for i, v in enumerate(values)
            ]
        )
    footer = []
    if flow.question_before(view.definition, view.answers, question.id) is not None:
        footer.append(_button("◀ " + _("Back", lang), view, index, Act.back))
    if not question.required:
        footer.append(_button(_("Skip", lang) + " ▶", view, index, Act.skip))
    if footer:
        rows.append(footer)
    rows += _web_row(web_link, lang)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def answers_list(view: ResponseView, lang: str) -> list[str]:
    """`n. question — answer` for every question asked, with skipped and missing ones marked."""
    lines = []
    for n, item in enumerate(view.review(lang), start=1):
        if item.skipped:
            answer = translate(SKIPPED, lang)
        elif item.missing:
            answer = "⚠ " + _("no answer yet", lang)
        else:
            answer = f"<b>{html.escape(item.answer)}</b>"
        lines.append(f"{n}. {html.escape(item.question)} — {answer}")
    return lines


def review_screen(
    view: ResponseView, lang: str, preamble: str = "", web_link: str | None = None
) -> Screen:
    """Every answer before Submit; a numbered button per question to change it."""
    lines = [preamble, ""] if preamble else []
    lines += [_header(view, lang), _("Please check your answers:", lang), ""]
    lines += answers_list(view, lang)
    lines += ["", _("Submit them, or press a number to change that answer.", lang)]
    if view.editing:
        lines += [
            "",
            _(
                "The answers submitted before stay counted until you submit these changes; "
                "changes not submitted before the consultation closes are not counted.",
                lang,
            ),
        ]
    visible = flow.visible_questions(view.definition, view.answers)
    edits = [
        _button(f"✎ {n}", view, REVIEW, Act.edit, index_of(view, q))
        for n, q in enumerate(visible, 1)
    ]
    rows = [edits[i : i + EDIT_BUTTONS_PER_ROW] for i in range(0, len(edits), EDIT_BUTTONS_PER_ROW)]
    rows.append(
        [
            _button("◀ " + _("Back", lang), view, REVIEW, Act.back),
            _button("✅ " + _("Submit", lang), view, REVIEW, Act.submit),
        ]
    )
    rows += _web_row(web_link, lang)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def submitted_screen(
    view: ResponseView,
    lang: str,
    city: str | None,
    preamble: str = "",
    *,
    tz: ZoneInfo,
    just_sent: bool = True,
) -> Screen:
    """The answers as submitted, with the Change button. `just_sent`: the reader has just
    pressed Submit and is thanked; otherwise (opening it again, or a colleague who did not
    submit) it only says until when they can be changed."""
    lines = [preamble, ""] if preamble else []
    closes = local_time(view.closes_at, tz, lang)
    if not just_sent:
        thanks = _("They can be changed until %(closes)s.", lang, closes=closes)
    elif city:
        thanks = _(
            "Thank you! The answers of %(city)s are submitted. You can change them until "
            "%(closes)s.",
            lang,
            city=html.escape(city),
            closes=closes,
        )
    else:
        thanks = _(
            "Thank you! Your answers are submitted. You can change them until %(closes)s.",
            lang,
            closes=closes,
        )
    lines += [_header(view, lang), thanks, "", *answers_list(view, lang)]
    button = _button(_("Change the answers", lang), view, REVIEW, Act.change)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[button]])


def current_screen(
    view: ResponseView,
    lang: str,
    city: str | None,
    preamble: str = "",
    *,
    tz: ZoneInfo,
    just_sent: bool = True,
    web_link: str | None = None,
) -> Screen:
    """Where the response stands: a question, the review, or the answers as submitted (with
    thanks when `just_sent`); times in the reader's zone `tz`. `web_link`: the person's link
    to the same response on the web (a button under questions and the review)."""
    if view.submitted:
        return submitted_screen(view, lang, city, preamble, tz=tz, just_sent=just_sent)
    if view.current is None:
        return review_screen(view, lang, preamble, web_link)
    return question_screen(view, lang, preamble, web_link)


def option_value(question: Question, index: int) -> str | int | None:
    """The option id (choices) or the number (scales) behind a button index; None if none."""
    if question.is_choice:
        options: Sequence[Any] = question.options or ()
        return options[index].id if 0 <= index < len(options) else None
    if question.type == QuestionType.scale:
        values = scale_values(question)
        return values[index] if 0 <= index < len(values) else None
    return None
