"""The console's preview of a consultation's first questions says what the bot says: the same
question, hint and button labels as `question_screen` draws for a new response, in each
language the bot speaks."""

from __future__ import annotations

import html

import pytest

from bot.features.consultation_screens import question_screen
from engagement.consultations.definition_check import load_definition
from engagement.consultations.preview import first_questions
from engagement.consultations.response_access import ResponseView
from i18n.languages import LANGUAGES
from storage.base import utcnow
from storage.consultations import ResponseStatus
from tests.bot.consultation_support import declaration_yaml

OPTIONAL = declaration_yaml().replace(
    "  - id: satisfaction\n", "  - id: satisfaction\n    required: false\n"
)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", [declaration_yaml(), OPTIONAL], ids=["required", "optional"])
def test_the_preview_shows_what_the_bot_shows(lang: str, source: str) -> None:
    definition = load_definition(source)
    previewed = first_questions(definition, lang, count=5)
    assert [p.number for p in previewed] == [1, 2, 3, 4]  # `why` waits for its branch
    for shown in previewed:
        question = next(
            q for q in definition.questions if q.text.get(lang, q.text["en"]) == shown.text
        )
        view = ResponseView(
            response_id=1,
            consultation_id=1,
            definition=definition,
            status=ResponseStatus.in_progress,
            answers={},
            current=question,
            progress=None,
            language=lang,
            city_id=None,
            closes_at=utcnow(),
        )
        text, markup = question_screen(view, lang)
        assert html.escape(shown.text) in text
        assert f"<i>{shown.hint}</i>" in text
        rows = [[b.text for b in row] for row in markup.inline_keyboard] if markup else []
        assert rows == shown.buttons
