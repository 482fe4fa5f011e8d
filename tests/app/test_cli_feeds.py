"""`aive feeds …` and `aive items list`: the demo cities' feeds from import to items."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from tests.static_site import serve_folder

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_LANGUAGES = {
    "Vilamar": "ca",
    "Rivedouce": "fr",
    "Puerto Claro": "es",
    "Ribeira Alta": "pt",
    "Northbridge": "en",
}


def invoke_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def demo(
    cli_seeded_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """The demo cities and their feeds, served over HTTP on this machine, imported from an OPML
    file as an operator would and fetched once."""
    feeds = EXAMPLES / "feeds"
    with serve_folder(feeds) as url:
        opml = tmp_path / "feeds.opml"
        served = re.sub(
            r'xmlUrl="([^"]+)"', rf'xmlUrl="{url}/\1"', (feeds / "demo.opml").read_text()
        )
        opml.write_text(served, encoding="utf-8")
        monkeypatch.setenv("AIVE_FEEDS_ALLOW_PRIVATE_ADDRESSES", "true")  # 127.0.0.1
        cities = runner.invoke(app, ["cities", "import", str(EXAMPLES / "cities.csv")])
        assert cities.exit_code == 0, cities.output
        imported = runner.invoke(app, ["feeds", "import", str(opml)])
        assert imported.exit_code == 0, imported.output
        assert "5 sources added" in imported.output
        yield {"fetched": invoke_json("feeds", "fetch"), "sources": invoke_json("feeds", "list")}


def test_demo_feeds_are_fetched_listed_and_become_items_in_their_languages(
    demo: dict[str, Any],
) -> None:
    fetched = demo["fetched"]
    assert [(r["new"], r["error"]) for r in fetched] == [(3, None)] * 5
    sources = demo["sources"]
    assert [s["title"] for s in sources] == list(DEMO_LANGUAGES)
    for row in sources:
        assert row["status"] == "active" and row["items"] == 3 and row["last_error"] is None
        assert row["last_success_at"] and row["next_fetch_at"] > row["last_success_at"]

    listed = invoke_json("items", "list")
    assert len(listed) == 15
    by_city = {s["id"]: DEMO_LANGUAGES[s["title"]] for s in sources}
    assert {(by_city[i["sources"][0]], i["language"]) for i in listed} == {
        (lang, lang) for lang in DEMO_LANGUAGES.values()
    }
    # nothing is due right after a fetch; --all asks again and the files have not changed
    assert invoke_json("feeds", "fetch") == []
    again = invoke_json("feeds", "fetch", "--all")
    assert [r["not_modified"] for r in again] == [True] * 5


def test_items_list_filters_by_language_network_and_date(demo: dict[str, Any]) -> None:
    everything = invoke_json("items", "list")
    french = invoke_json("items", "list", "--lang", "fr")
    portugal = invoke_json("items", "list", "--network", "portugal")
    dates = sorted(i["published_at"][:10] for i in everything)
    middle = dates[len(dates) // 2]
    recent = invoke_json("items", "list", "--since", middle)

    assert len(french) == 3 and {i["language"] for i in french} == {"fr"}
    assert len(portugal) == 3 and all("portugal" in i["networks"] for i in portugal)
    assert {i["language"] for i in portugal} == {"pt"}
    expected = {i["id"] for i in everything if i["published_at"][:10] >= middle}
    assert {i["id"] for i in recent} == expected and 0 < len(expected) < len(everything)
    assert invoke_json("items", "list", "--network", "brazil") == []


def test_adding_a_feed_with_an_unknown_network_fails_with_the_known_list(
    cli_seeded_database: str,
) -> None:
    result = runner.invoke(
        app, ["feeds", "add", "https://city.example/feed.xml", "--network", "atlantis"]
    )

    assert result.exit_code == 1
    assert "unknown atlantis" in result.output
    assert "argentina, asia-pacific, brazil" in result.output
    assert invoke_json("feeds", "list") == []


def test_importing_a_missing_or_invalid_opml_file_fails(
    cli_seeded_database: str, tmp_path: Path
) -> None:
    missing = runner.invoke(app, ["feeds", "import", str(tmp_path / "nope.opml")])
    invalid_file = tmp_path / "feeds.opml"
    invalid_file.write_text("<opml><body><outline xmlUrl='a.xml'></body>", encoding="utf-8")
    invalid = runner.invoke(app, ["feeds", "import", str(invalid_file)])
    not_opml = tmp_path / "rss.opml"
    not_opml.write_text("<rss version='2.0'/>", encoding="utf-8")
    wrong_root = runner.invoke(app, ["feeds", "import", str(not_opml)])

    assert missing.exit_code == 2 and "no such file" in missing.output
    assert invalid.exit_code == 1 and "not well-formed XML" in invalid.output
    assert wrong_root.exit_code == 1 and "expected <opml>" in wrong_root.output


def test_fetch_exits_1_with_the_reason_when_every_source_fails(cli_seeded_database: str) -> None:
    added = runner.invoke(app, ["feeds", "add", "http://127.0.0.1:9/feed.xml"])
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["feeds", "fetch", "--json"])

    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["new"] == 0 and report["error"] and "\n" not in report["error"]
    [row] = invoke_json("feeds", "list")
    assert row["last_error"] == report["error"]
