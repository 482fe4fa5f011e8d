"""Rendering the consultation answer pages: the Jinja2 environment of `web/public/templates`
with the `web_answers` gettext domain (web/locales), and what each question looks like on a
page (pure: plain values in, plain values out)."""

from __future__ import annotations

import gettext
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engagement.consultations import flow
from engagement.consultations.errors import InvalidAnswer
from engagement.consultations.messages import explain_answer
from engagement.consultations.schema import Definition, Question, QuestionType, localized

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent
TEMPLATES = ROOT / "templates"
LOCALES = ROOT.parent / "locales"
DOMAIN = "web_answers"
LANGUAGES = ("en", "fr", "es", "pt", "ca")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, localedir=LOCALES, languages=[lang])
    except FileNotFoundError:
        if lang != "en":
            log.warning("web: no compiled %s catalog for %r", DOMAIN, lang)
        return gettext.NullTranslations()


def text(message: str, lang: str, **values: object) -> str:
    translated = translations(lang).gettext(message)
    return translated % values if values else translated


_ = text  # marks messages for the catalog check


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html.j2"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(template: str, lang: str, **values: Any) -> str:
    return environment(lang).get_template(template).render(lang=lang, **values)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Field:
    """A question as a form field: `kind` is radio, checkbox, text or number."""

    id: str
    number: int
    label: str
    kind: str
    required: bool
    hint: str
    visible: bool
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    error: str = ""
    show_if: tuple[str, str] | None = None  # (question id, option ids joined by spaces)


def _plain(limit: float | None) -> object:
    return int(limit) if limit is not None and float(limit).is_integer() else limit


def hint(question: Question, lang: str) -> str:
    """What the question expects, in words (the limits the answer is checked against)."""
    if question.type == QuestionType.single_choice:
        words = _("Choose one option.", lang)
    elif question.type == QuestionType.multi_choice:
        limit = question.choice_limit
        if limit < len(question.options or ()):
            words = _("Choose up to %(n)s options.", lang, n=limit)
        else:
            words = _("Choose one or more options.", lang)
    elif question.type == QuestionType.scale:
        words = _(
            "From %(min)s (lowest) to %(max)s (highest).",
            lang,
            min=_plain(question.min),
            max=_plain(question.max),
        )
    elif question.type == QuestionType.text:
        words = _("Up to %(n)s characters.", lang, n=question.text_limit)
    elif question.min is not None and question.max is not None:
        words = _(
            "A number from %(min)s to %(max)s.",
            lang,
            min=_plain(question.min),
            max=_plain(question.max),
        )
    else:
        words = _("A number.", lang)
    if not question.required:
        words += " " + _("This question is optional.", lang)
    return words


def shown_value(question: Question, value: Any) -> list[str] | str:
    """A stored answer as the form holds it: option ids (choices, scales) or the text."""
    if value is None:
        return [] if question.is_choice or question.type == QuestionType.scale else ""
    if question.is_choice:
        return [str(v) for v in (value if isinstance(value, list) else [value])]
    if question.type == QuestionType.scale:
        return [str(value)]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_field(
    definition: Definition,
    question: Question,
    answers: Mapping[str, Any],
    lang: str,
    *,
    given: Mapping[str, Any] | None = None,
    error: InvalidAnswer | None = None,
) -> Field:
    """The question as a field, holding `given` (what the person typed, kept after a refusal)
    or else the stored answer."""
    current = (
        given[question.id]
        if given is not None and question.id in given
        else shown_value(question, answers.get(question.id))
    )
    number = [q.id for q in definition.questions].index(question.id) + 1
    selected = set(current) if isinstance(current, list) else {current}
    choices: list[Choice] = []
    if question.is_choice:
        kind = "radio" if question.type == QuestionType.single_choice else "checkbox"
        choices = [
            Choice(o.id, localized(o.text, lang), o.id in selected) for o in question.options or ()
        ]
    elif question.type == QuestionType.scale:
        kind = "radio"
        low, high = int(question.min or 0), int(question.max or 0)
        choices = [Choice(str(v), str(v), str(v) in selected) for v in range(low, high + 1)]
    else:
        kind = "text" if question.type == QuestionType.text else "number"
    show_if = None
    if question.show_if is not None:
        show_if = (question.show_if.question, " ".join(question.show_if.in_))
    return Field(
        id=question.id,
        number=number,
        label=localized(question.text, lang),
        kind=kind,
        required=question.required,
        hint=hint(question, lang),
        visible=flow.is_visible(definition, question, answers),
        choices=choices,
        value=current if isinstance(current, str) else "",
        error=explain_answer(error, lang) if error is not None else "",
        show_if=show_if,
    )


def form_values(definition: Definition, form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """What a posted form gives per question (fields `a_<id>`): a list of option ids for
    choices, the number for a scale, the text otherwise."""
    values: dict[str, Any] = {}
    for question in definition.questions:
        posted = list(form.get(f"a_{question.id}", ()))
        present = f"a_{question.id}" in form or f"p_{question.id}" in form
        if not present:
            continue
        if question.type == QuestionType.multi_choice:
            values[question.id] = posted
        elif question.type == QuestionType.scale:
            values[question.id] = posted[0] if posted else None
        else:
            values[question.id] = posted[0] if posted else ""
    return values


def kept_values(definition: Definition, values: Mapping[str, Any]) -> dict[str, Any]:
    """Posted values as the fields show them again (after a refusal or a conflict)."""
    kept: dict[str, Any] = {}
    for question in definition.questions:
        if question.id not in values:
            continue
        value = values[question.id]
        if question.is_choice or question.type == QuestionType.scale:
            kept[question.id] = [str(v) for v in (value if isinstance(value, list) else [value])]
            if value is None:
                kept[question.id] = []
        else:
            kept[question.id] = "" if value is None else str(value)
    return kept


def seen_json(answers: Mapping[str, Any]) -> str:
    return json.dumps(answers, sort_keys=True, separators=(",", ":"))


def read_seen(raw: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(raw or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
