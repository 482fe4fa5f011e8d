"""What the person reads when an answer or a request is refused, in their language.

The catalog is the gettext domain `consultations` in bot/locales/<lang>/LC_MESSAGES/.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from engagement.consultations.errors import AnswerError, InvalidAnswer, Refusal

LOCALES = Path(__file__).resolve().parents[2] / "bot" / "locales"
DOMAIN = "consultations"


def _(message: str) -> str:
    """Marks a message for extraction; translated later by `translate`."""
    return message


ANSWER_MESSAGES: dict[AnswerError, str] = {
    AnswerError.required: _("Please give an answer."),
    AnswerError.unknown_option: _("That is not one of the options; please use the buttons."),
    AnswerError.too_many_choices: _("You can choose at most %(max_choices)s options."),
    AnswerError.out_of_range: _("Please give a number from %(min)s to %(max)s."),
    AnswerError.not_a_number: _("Please send a number, for example 12 or 3.5."),
    AnswerError.not_a_whole_number: _("Please send a whole number."),
    AnswerError.too_long: _("Your answer has %(length)s characters; the limit is %(max_length)s."),
    AnswerError.not_skippable: _("This question needs an answer."),
    AnswerError.not_visible: _("This question is no longer asked."),
    AnswerError.incomplete: _("Some required questions have no answer yet."),
}
AT_LEAST = _("Please give a number of at least %(min)s.")
AT_MOST = _("Please give a number of at most %(max)s.")
SKIPPED = _("(skipped)")

REFUSAL_MESSAGES: dict[Refusal, str] = {
    Refusal.not_open: _("This consultation is not open yet."),
    Refusal.closed: _("This consultation is closed; answers can no longer be changed."),
    Refusal.not_eligible: _("This consultation is not addressed to you."),
    Refusal.no_city: _(
        "This consultation is answered on behalf of a city, and you do not represent one."
    ),
    Refusal.already_submitted: _("Your answers are submitted. Choose Edit to change them."),
}


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES, languages=[lang, "en"], fallback=True)


def translate(message: str, lang: str) -> str:
    return _translations(lang.split("-")[0]).gettext(message)


def range_words(low: object, high: object) -> dict[str, str]:
    """The ends of a range as Catalan reads them, for the catalogs that need them:
    `from_min` "d'1" / "de 0", `From_min` "D'1", `to_max` "a 5", `to_the_max` "al 5" / "a l'11".

    Catalan elides "de" and the article before a vowel sound: 1 (u) and 11 (onze)."""

    def vowel(n: object) -> bool:
        return str(n) in ("1", "11")

    from_min = f"d'{low}" if vowel(low) else f"de {low}"
    return {
        "from_min": from_min,
        "From_min": from_min[0].upper() + from_min[1:],
        "to_max": f"a {high}",
        "to_the_max": f"a l'{high}" if vowel(high) else f"al {high}",
    }


def explain_answer(error: InvalidAnswer, lang: str) -> str:
    """One sentence telling the person why an answer was refused."""
    message = ANSWER_MESSAGES[error.code]
    params = dict(error.params)
    params.update(range_words(params.get("min"), params.get("max")))
    if error.code == AnswerError.out_of_range:
        if params.get("max") is None:
            message = AT_LEAST
        elif params.get("min") is None:
            message = AT_MOST
    return translate(message, lang) % params


def explain_refusal(reason: Refusal, lang: str) -> str:
    return translate(REFUSAL_MESSAGES[reason], lang)
