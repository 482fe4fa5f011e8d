"""Results math, reminder selection and the export CSV, on plain values."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from engagement.consultations import export
from engagement.consultations.reminders import Candidate, select_reminders
from engagement.consultations.results import SubmittedRow, compute_results
from engagement.spreadsheet import defuse
from tests.engagement.consultation_samples import sample

D = sample()
T0 = datetime(2026, 11, 10, tzinfo=UTC)


def row(n: int, unit: int | None, lang: str, **answers: Any) -> SubmittedRow:
    return SubmittedRow(n, unit, lang, T0 + timedelta(hours=n), answers)


ROWS = [
    row(1, 10, "fr", priority="inclusion", actions=["a", "b"], satisfaction=5, comment="Écoles"),
    row(2, 11, "es", priority="climate", actions=["b"], satisfaction=4, budget=100),
    row(3, 12, "en", priority="inclusion", actions=["b", "c"], satisfaction=2, comment="Parks"),
    row(4, None, "pt", priority="inclusion", actions=["a"], satisfaction=3, budget=None),
]
ELIGIBLE = {10: ["spain"], 11: ["spain"], 12: ["portugal"], 13: ["portugal"], 14: ["portugal"]}


def test_counts_merge_languages_by_option_id() -> None:
    found = compute_results(D, ROWS, ELIGIBLE, lang="fr")
    priority = found.questions[0]
    assert [(o.id, o.text, o.count, o.percent) for o in priority.options] == [
        ("inclusion", "Inclusion", 3, 75.0),
        ("climate", "Climat", 1, 25.0),
    ]
    actions = found.questions[1]
    assert [(o.count, o.percent) for o in actions.options] == [(2, 50.0), (3, 75.0), (1, 25.0)]


def test_averages_and_latest_texts() -> None:
    found = compute_results(D, ROWS, ELIGIBLE, latest=1)
    scale = found.questions[2]
    assert (scale.answered, scale.average, scale.minimum, scale.maximum) == (4, 3.5, 2.0, 5.0)
    assert found.questions[3].latest_texts == ["Parks"]
    assert found.questions[3].answered == 2
    budget = found.questions[4]
    assert (budget.answered, budget.average) == (1, 100.0)


def test_response_rate_overall_and_per_network() -> None:
    found = compute_results(D, ROWS, ELIGIBLE)
    assert (found.submitted, found.responded, found.eligible, found.rate) == (4, 3, 5, 60.0)
    rates = {n.network: (n.responded, n.eligible, n.rate) for n in found.networks}
    assert rates == {"portugal": (1, 3, 33.3), "spain": (2, 2, 100.0)}


def test_no_responses_gives_zero_not_an_error() -> None:
    found = compute_results(D, [], {})
    assert found.rate == 0.0
    assert found.questions[0].options[0].percent == 0.0
    assert found.questions[2].average is None


CLOSES = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
OPENS = datetime(2026, 11, 1, tzinfo=UTC)


def test_reminders_go_to_representatives_of_cities_without_answer_in_last_three_days() -> None:
    candidates = [Candidate(1, 10), Candidate(2, 10), Candidate(3, 11), Candidate(4, 12)]
    now = CLOSES - timedelta(days=2)
    chosen = select_reminders(
        candidates, [11], already_reminded=[4], opens_at=OPENS, closes_at=CLOSES, now=now
    )
    assert chosen == [1, 2]


def test_no_reminder_before_the_window_or_after_closing() -> None:
    candidates = [Candidate(1, 10)]
    for now in (CLOSES - timedelta(days=3, seconds=1), CLOSES, CLOSES + timedelta(days=1)):
        assert select_reminders(candidates, [], [], opens_at=OPENS, closes_at=CLOSES, now=now) == []
    now = CLOSES - timedelta(days=3)
    assert select_reminders(candidates, [], [], opens_at=OPENS, closes_at=CLOSES, now=now) == [1]


def test_export_csv_is_rfc4180_and_defuses_formulas() -> None:
    rows = [
        export.ExportRow(
            7,
            "Barcelona",
            "ES",
            "ca",
            T0,
            {
                "priority": "inclusion",
                "actions": ["a", "b"],
                "satisfaction": 5,
                "comment": 'Line one\nsays "hi", ok',
                "budget": "Vila;=1+1",
            },
        ),
        export.ExportRow(
            9,
            "",
            "",
            "en",
            T0 + timedelta(minutes=1),
            {
                "priority": "climate",
                "actions": ["c"],
                "satisfaction": 1,
                "comment": '=HYPERLINK("http://x")',
                "budget": 2500.0,
            },
            channel="web",
        ),
    ]
    out = io.StringIO()
    export.write_csv(export.table(D, rows), out)
    # every cell quoted (a spreadsheet splitting on `;` still sees one cell), formulas defused
    # at the start of a cell and after a separator
    assert out.getvalue() == (
        '"response_id","city","country","language","submitted_at",'
        '"priority","actions","satisfaction","comment","budget","channel"\r\n'
        '"7","Barcelona","ES","ca","2026-11-10T00:00:00Z","inclusion","a;b","5",'
        '"Line one\nsays ""hi"", ok","Vila;\'=1+1","bot"\r\n'
        '"9","","","en","2026-11-10T00:01:00Z","climate","c","1",'
        '"\'=HYPERLINK(""http://x"")","2500","web"\r\n'
    )


def test_defuse_covers_every_formula_start_and_every_separator() -> None:
    assert [defuse(s) for s in ("a,=1", "a;+1", "a\t-1", "a;b", "1-2", "x@y;@z")] == [
        "a,'=1",
        "a;'+1",
        "a\t'-1",
        "a;b",
        "1-2",
        "x@y;'@z",
    ]
    assert [defuse(s) for s in ("=1", "+1", "-1", "@x", "\tx", "ok", "")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "ok",
        "",
    ]
