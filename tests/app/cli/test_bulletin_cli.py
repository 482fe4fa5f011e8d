"""`aive bulletin …` against a temporary SQLite database, as staff use it."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app import catalogs
from app.cli.main import app
from storage.base import utcnow
from tests.cli_database import run_in_session
from tests.newsletter.bulletin_samples import build_world

runner = CliRunner()
PUBLIC = "https://bulletin.example.org"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.fixture
def items(cli_sqlite_database: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A migrated database with the sample world published in the last days; item ids by key."""
    monkeypatch.setenv("AIVE_PUBLIC_URL", PUBLIC)

    async def _world(s: AsyncSession) -> dict[str, int]:
        world = await build_world(s, now=utcnow())
        return {key: item.id for key, item in world.items.items()}

    return run_in_session(cli_sqlite_database, _world)


def compose(lang: str = "fr") -> int:
    result = runner.invoke(app, ["bulletin", "compose", "global", "--lang", lang])
    assert result.exit_code == 0, result.output
    return int(result.stdout.strip())


def listed(edition_id: int) -> dict[str, object]:
    result = runner.invoke(app, ["bulletin", "list", "--json"])
    assert result.exit_code == 0, result.output
    return next(row for row in json.loads(result.stdout) if row["id"] == edition_id)


def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """$EDITOR is a small script that rewrites the YAML file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\npath = Path(sys.argv[1])\ntext = path.read_text()\n"
        + body,
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_compose_prints_the_id_and_shows_sections_and_spread(items: dict[str, int]) -> None:
    result = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().isdigit()
    assert "Spread" in result.stderr and "mayors" in result.stderr
    assert f"{items['lyon-2']}: News lyon-2" in result.stderr


def test_compose_every_language_as_json(items: dict[str, int]) -> None:
    result = runner.invoke(app, ["bulletin", "compose", "global", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [e["language"] for e in document["editions"]] == ["en", "fr"]
    assert all(e["status"] == "draft" for e in document["editions"])
    assert document["editions"][1]["spread"]["countries"]["FR"] == 2


def test_compose_refuses_an_unknown_series_or_language(items: dict[str, int]) -> None:
    unknown = runner.invoke(app, ["bulletin", "compose", "weekly"])
    assert unknown.exit_code == 1 and "no series 'weekly'" in unknown.stderr
    language = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "pt"])
    assert language.exit_code == 1 and "not published in 'pt'" in language.stderr


def test_edit_with_flags_then_preview(items: dict[str, int], tmp_path: Path) -> None:
    edition = compose()
    editorial = tmp_path / "editorial.txt"
    editorial.write_text("Chères villes,\n\nBonne lecture.\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "bulletin", "edit", str(edition),
            "--pin", str(items["old-1"]),
            "--exclude", str(items["bcn-1"]),
            "--editorial-file", str(editorial),
            "--subject", "Numéro spécial",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert listed(edition)["subject"] == "Numéro spécial"
    out = tmp_path / "preview.html"
    preview = runner.invoke(app, ["bulletin", "preview", str(edition), "--out", str(out)])
    assert preview.exit_code == 0, preview.output
    html = out.read_text(encoding="utf-8")
    assert f"{PUBLIC}/archive/global/{edition}" in html
    assert f"{PUBLIC}/unsubscribe" in html
    assert "Chères villes" in html and "News old-1" in html and "News bcn-1" not in html
    # pinning an excluded item brings it back
    again = runner.invoke(app, ["bulletin", "edit", str(edition), "--pin", str(items["bcn-1"])])
    assert again.exit_code == 0, again.output
    runner.invoke(app, ["bulletin", "preview", str(edition), "--out", str(out)])
    assert "News bcn-1" in out.read_text(encoding="utf-8")


def test_edit_in_the_editor(
    items: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition = compose()
    fake_editor(
        tmp_path,
        monkeypatch,
        "text = text.replace('subject: null', 'subject: Depuis l’éditeur')\n"
        f"text = text.replace('excluded: []', 'excluded: [{items['lyon-1']}]')\n"
        "path.write_text(text)\n",
    )
    result = runner.invoke(app, ["bulletin", "edit", str(edition)])
    assert result.exit_code == 0, result.output
    assert listed(edition)["subject"] == "Depuis l’éditeur"
    out = tmp_path / "p.html"
    runner.invoke(app, ["bulletin", "preview", str(edition), "--out", str(out)])
    assert "News lyon-1" not in out.read_text(encoding="utf-8")


def test_an_unchanged_file_changes_nothing(
    items: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition = compose()
    fake_editor(tmp_path, monkeypatch, "")
    result = runner.invoke(app, ["bulletin", "edit", str(edition)])
    assert result.exit_code == 0 and "no change" in result.stdout


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        ("'pinned: []', 'pinned: [abc]'", "pinned: must be a list of item ids"),
        ("'order: []', 'ordre: []'", "ordre: unknown field"),
        ("'excluded: []', 'excluded: [424242]'", "excluded: no item with id 424242"),
    ],
)
def test_an_invalid_edit_names_the_field_and_changes_nothing(
    items: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    replacement: str,
    expected: str,
) -> None:
    edition = compose()
    before = listed(edition)
    fake_editor(tmp_path, monkeypatch, f"path.write_text(text.replace({replacement}))\n")
    result = runner.invoke(app, ["bulletin", "edit", str(edition)])
    assert result.exit_code == 1
    assert expected in result.stderr
    assert listed(edition) == before


def test_approve_schedule_cancel_and_list(items: dict[str, int]) -> None:
    french, english = compose("fr"), compose("en")
    bad = runner.invoke(app, ["bulletin", "approve", str(french), "--send-at", "tomorrow"])
    assert bad.exit_code == 2 and "--send-at" in bad.stderr
    when = (utcnow() + timedelta(days=2)).replace(microsecond=0).isoformat()
    scheduled = runner.invoke(app, ["bulletin", "approve", str(french), "--send-at", when])
    assert scheduled.exit_code == 0, scheduled.output
    assert "scheduled for" in scheduled.stdout
    assert listed(french)["status"] == "scheduled"
    twice = runner.invoke(app, ["bulletin", "approve", str(french)])
    assert twice.exit_code == 1 and "only a draft can be approved" in twice.stderr
    edit = runner.invoke(app, ["bulletin", "edit", str(french), "--subject", "Trop tard"])
    assert edit.exit_code == 1 and "only a draft is edited" in edit.stderr
    approved = runner.invoke(app, ["bulletin", "approve", str(english)])
    assert approved.exit_code == 0 and f"edition {english}: approved" in approved.stdout
    cancelled = runner.invoke(app, ["bulletin", "cancel", str(english)])
    assert cancelled.exit_code == 0 and listed(english)["status"] == "cancelled"
    table = runner.invoke(app, ["bulletin", "list", "--series", "global"])
    assert table.exit_code == 0 and "scheduled" in table.stdout
    missing = runner.invoke(app, ["bulletin", "preview", "999", "--out", "x.html"])
    assert missing.exit_code == 1 and "no edition 999" in missing.stderr


@pytest.fixture
def no_news(cli_sqlite_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample world, its news a year old: nothing new for this week's edition."""
    monkeypatch.setenv("AIVE_PUBLIC_URL", PUBLIC)

    async def _world(s: AsyncSession) -> None:
        await build_world(s, now=utcnow() - timedelta(days=365))

    run_in_session(cli_sqlite_database, _world)


def test_composing_without_news_says_so_and_makes_no_draft(no_news: None) -> None:
    result = runner.invoke(app, ["bulletin", "compose", "global"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "global (fr): no news since the last edition, so no draft was made" in result.stderr
    assert json.loads(runner.invoke(app, ["bulletin", "list", "--json"]).stdout) == []
    asked = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "fr", "--allow-empty"])
    assert asked.exit_code == 0 and asked.stdout.strip().isdigit()


def editorial_only(tmp_path: Path) -> int:
    """A draft without news, with only an editorial (as staff may send one on purpose)."""
    made = runner.invoke(app, ["bulletin", "compose", "global", "--lang", "en", "--allow-empty"])
    edition = int(made.stdout.strip())
    editorial = tmp_path / "editorial.txt"
    editorial.write_text("Dear cities,\n\nA quiet week.\n", encoding="utf-8")
    edited = runner.invoke(
        app, ["bulletin", "edit", str(edition), "--editorial-file", str(editorial)]
    )
    assert edited.exit_code == 0, edited.output
    return edition


def test_approving_an_edition_without_news_asks_first(no_news: None, tmp_path: Path) -> None:
    edition = editorial_only(tmp_path)
    refused = runner.invoke(app, ["bulletin", "approve", str(edition)], input="n\n")
    assert refused.exit_code == 1 and "has no news item. Approve it anyway?" in refused.output
    assert listed(edition)["status"] == "draft"
    confirmed = runner.invoke(app, ["bulletin", "approve", str(edition)], input="y\n")
    assert confirmed.exit_code == 0 and listed(edition)["status"] == "approved"


def test_approving_without_news_with_yes_does_not_ask(no_news: None, tmp_path: Path) -> None:
    edition = editorial_only(tmp_path)
    result = runner.invoke(app, ["bulletin", "approve", str(edition), "--yes"])
    assert result.exit_code == 0 and "Approve it anyway" not in result.output
