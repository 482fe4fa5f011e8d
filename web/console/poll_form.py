"""The console's poll form, read into the mapping a poll YAML file would hold (so the domain
checks it as it checks a file), and the domain's problems put back next to their fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engagement.problem_language import reason
from engagement.problems import Problem
from i18n.languages import LANGUAGES
from web.console import i18n
from web.console.navigation import N_
from web.console.requests import Form, text, texts

ROWS = 6  # option rows in the form (the domain allows 2 to 10; more with `aive polls create`)
BAD_TIME = N_("Give a date and a time, such as 20/11/2026 18:00.")
PATH = re.compile(r"^options\[(\d+)\](?:\.text\.([A-Za-z-]+)|\.(\w+))?")


@dataclass
class PollForm:
    """What staff typed (shown again with the errors) and the poll it describes."""

    values: dict[str, Any]
    data: dict[str, Any]
    rows: list[int] = field(default_factory=list)  # the form row of each option given
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def slugged(words: str, limit: int) -> str:
    """Lowercase ASCII letters, digits and single hyphens (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def _option_ids(option_texts: list[dict[str, str]]) -> list[str]:
    """An id per option from its first text (`inclusion`), else its place (`option-3`)."""
    ids: list[str] = []
    for number, texts_ in enumerate(option_texts, start=1):
        base = slugged(next(iter(texts_.values()), ""), 28) or f"option-{number}"
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


def read_form(form: Form, zone: ZoneInfo, lang: str, now: datetime) -> PollForm:
    """The form's values and the poll mapping; a closing time that is no time is an error
    here (the domain never sees it)."""
    question = {code: text(form, f"question_{code}", 1000).strip() for code in LANGUAGES}
    options = [
        {code: text(form, f"option_{row}_{code}", 400).strip() for code in LANGUAGES}
        for row in range(ROWS)
    ]
    values: dict[str, Any] = {
        "slug": text(form, "slug", 100).strip().lower(),
        "question": question,
        "options": options,
        "audience": text(form, "audience", 40) or "city_representatives",
        "networks": texts(form, "networks"),
        "closes_at": text(form, "closes_at", 40).strip(),
        "anonymous": bool(text(form, "anonymous", 10)),
        "multiple_answers": bool(text(form, "multiple_answers", 10)),
    }
    given = {code: words for code, words in question.items() if words}
    rows = [row for row, texts_ in enumerate(options) if any(texts_.values())]
    option_texts = [{c: w for c, w in options[row].items() if w} for row in rows]
    first = next(iter(given.values()), "")
    slug = values["slug"] or slugged(f"{first} {now:%Y-%m-%d}", 63)
    data: dict[str, Any] = {
        "slug": slug,
        "question": given,
        "options": [
            {"id": option_id, "text": texts_}
            for option_id, texts_ in zip(_option_ids(option_texts), option_texts, strict=True)
        ],
        "audience": values["audience"],
        "networks": values["networks"],
        "anonymous": values["anonymous"],
        "multiple_answers": values["multiple_answers"],
    }
    poll = PollForm(values, data, rows)
    if values["closes_at"]:
        try:
            closes = datetime.fromisoformat(values["closes_at"])
        except ValueError:
            poll.add_error("closes_at", i18n.lgettext(lang, BAD_TIME))
        else:
            data["closes_at"] = closes if closes.tzinfo else closes.replace(tzinfo=zone)
    return poll


def field_of(path: str, rows: list[int]) -> str:
    """The form field a problem's path names (`options[1].text.fr` → `option_<row>_fr`)."""
    if path.startswith("question."):
        return "question_" + path.removeprefix("question.")
    if (found := PATH.match(path)) is not None:
        index = int(found.group(1))
        row = rows[index] if index < len(rows) else index
        return f"option_{row}_{found.group(2)}" if found.group(2) else f"option_{row}"
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    known = {"slug", "question", "options", "audience", "networks", "closes_at"}
    return head if head in known | {"anonymous", "multiple_answers"} else "form"


def place_problems(poll: PollForm, problems: list[Problem], lang: str) -> None:
    """Each problem's reason, in `lang`, next to its field (a field the form already found
    wrong keeps its own sentence: `closes_at: missing` after "give a date" says nothing)."""
    already = set(poll.errors)
    for problem in problems:
        key = field_of(problem.path, poll.rows)
        if key not in already:
            poll.add_error(key, reason(problem, lang))
