"""How the first questions of a consultation look in the bot, for staff checking a draft (pure).

The words are the bot's own (the `consultations` catalog in bot/locales, read through
`messages.translate`): the question, the hint under it in italics, and the inline buttons row by
row, as `bot.features.consultation_screens.question_screen` draws them for a new response
(tests/web/console check that the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engagement.consultations import flow
from engagement.consultations.messages import range_words, translate
from engagement.consultations.schema import Definition, Question, QuestionType, localized


def _(message: str) -> str:
    """Marks a message for extraction (the bot's catalog translates it)."""
    return message


@dataclass(frozen=True)
class QuestionPreview:
    number: int
    text: str
    hint: str
    buttons: list[list[str]]  # the inline keyboard's labels, row by row


def _limits(question: Question) -> dict[str, Any]:
    def plain(x: float | None) -> Any:
        return int(x) if x is not None and float(x).is_integer() else x

    low, high = plain(question.min), plain(question.max)
    return {"min": low, "max": high, **range_words(low, high)}


def hint(question: Question, lang: str) -> str:
    """What the bot says under a question: how to answer it."""
    if question.type == QuestionType.single_choice:
        text = translate(_("Choose one option."), lang)
    elif question.type == QuestionType.multi_choice:
        if question.max_choices and question.max_choices < len(question.options or ()):
            message = _("Choose up to %(n)s options, then press Done.")
            text = translate(message, lang) % {"n": question.max_choices}
        else:
            text = translate(_("Choose one or more options, then press Done."), lang)
    elif question.type == QuestionType.scale:
        text = translate(_("From %(min)s (lowest) to %(max)s (highest)."), lang) % _limits(question)
    elif question.type == QuestionType.text:
        message = _("Type your answer (up to %(n)s characters).")
        text = translate(message, lang) % {"n": question.text_limit}
    elif question.min is not None and question.max is not None:
        text = translate(_("Type a number from %(min)s to %(max)s."), lang) % _limits(question)
    else:
        text = translate(_("Type a number."), lang)
    if not question.required:
        text += " " + translate(_("This question is optional."), lang)
    return text


def _buttons(definition: Definition, question: Question, lang: str) -> list[list[str]]:
    rows: list[list[str]] = []
    if question.is_choice:
        rows += [[localized(o.text, lang)] for o in question.options or ()]
        if question.type == QuestionType.multi_choice:
            rows.append([translate(_("Done"), lang)])
    elif question.type == QuestionType.scale:
        assert question.min is not None and question.max is not None
        rows.append([str(v) for v in range(int(question.min), int(question.max) + 1)])
    footer = []
    if flow.question_before(definition, {}, question.id) is not None:
        footer.append("◀ " + translate(_("Back"), lang))
    if not question.required:
        footer.append(translate(_("Skip"), lang) + " ▶")
    if footer:
        rows.append(footer)
    return rows


def first_questions(definition: Definition, lang: str, count: int = 3) -> list[QuestionPreview]:
    """The first `count` questions a new response is asked (those `show_if` hides until an
    answer chooses them are left out), in `lang` (English, then the first text, when a text
    lacks it)."""
    shown = flow.visible_questions(definition, {})[:count]
    return [
        QuestionPreview(
            number=n,
            text=localized(q.text, lang),
            hint=hint(q, lang),
            buttons=_buttons(definition, q, lang),
        )
        for n, q in enumerate(shown, start=1)
    ]
