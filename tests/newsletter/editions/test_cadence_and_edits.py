"""Pure parts of the bulletin wiring: cadence fire times and the staff's YAML edits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsletter.editions.cadence import CadenceError, last_fire, last_fires
from newsletter.editions.edits import Edits, dump_edits, parse_edits
from newsletter.editions.errors import EditsError


def test_first_tuesday_of_the_month_in_madrid() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    fires = last_fires("0 9 1-7 * tue", "Europe/Madrid", now)
    assert fires == [datetime(2026, 2, 3, 8, 0, tzinfo=UTC), datetime(2026, 3, 3, 8, 0, tzinfo=UTC)]


def test_fire_time_follows_summer_time() -> None:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    assert last_fire("0 9 * * tue", "Europe/Madrid", now) == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)


def test_a_fire_at_the_very_moment_counts() -> None:
    moment = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert last_fire("0 9 * * tue", "Europe/Madrid", moment) == moment


@pytest.mark.parametrize("cadence", ["61 9 * * *", "every tuesday", ""])
def test_invalid_cadence_is_named(cadence: str) -> None:
    with pytest.raises(CadenceError, match="not a valid cron expression"):
        last_fire(cadence, "Europe/Madrid", datetime(2026, 3, 10, tzinfo=UTC))


def test_edits_survive_a_round_trip_through_yaml() -> None:
    edits = Edits(
        subject="Spécial été", editorial="Bonjour,\n\nDeux paragraphes.", pinned=(3, 1), order=(7,)
    )
    document = dump_edits(edits, ["Edition 4 · global · fr"])
    assert document.startswith("# Edition 4 · global · fr\n")
    assert parse_edits(document) == edits


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ("pinned: [abc]", "pinned", "'abc' is not an item id"),
        ("excluded: 5", "excluded", "must be a list of item ids"),
        ("order: [1, -2]", "order", "-2 is not an item id"),
        ("editorial: [a, b]", "editorial", "must be text"),
        ("subject: |\n  a\n  b\n", "subject", "single line"),
        ("subject: " + "x" * 301, "subject", "at most 300 characters"),
        ("pinnned: [1]", "pinnned", "unknown field"),
        ("pinned: [1\n", "(document)", "not valid YAML at line"),
        ("- 1\n- 2\n", "(document)", "must be a mapping"),
    ],
)
def test_wrong_edits_name_the_field(document: str, field: str, message: str) -> None:
    with pytest.raises(EditsError) as caught:
        parse_edits(document)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert message in str(caught.value)


def test_empty_fields_mean_no_edit() -> None:
    assert parse_edits("subject: ''\neditorial:\npinned: []\n") == Edits()
    assert parse_edits("") == Edits()
