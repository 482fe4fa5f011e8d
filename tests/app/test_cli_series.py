"""`aive bulletin series`: staff add a network's own bulletin series, every field checked."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli.main import app

runner = CliRunner()
PORTUGAL = [
    "bulletin", "series", "add", "portugal", "--network", "portugal", "--lang", "pt",
    "--title", "pt=Boletim da Rede Portuguesa",
]  # fmt: skip


def test_staff_add_a_network_series_and_see_it_listed(cli_seeded_database: str) -> None:
    added = runner.invoke(app, [*PORTUGAL, "--cadence", "0 9 15 * *", "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["networks"] == ["portugal"]
    listed = runner.invoke(app, ["bulletin", "series", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    by_slug = {s["slug"]: s for s in json.loads(listed.stdout)}
    assert set(by_slug) == {"global", "portugal"}
    assert by_slug["portugal"] == {
        "slug": "portugal",
        "titles": {"pt": "Boletim da Rede Portuguesa"},
        "networks": ["portugal"],
        "languages": ["pt"],
        "cadence": "0 9 15 * *",
    }
    again = runner.invoke(app, PORTUGAL)
    assert again.exit_code == 1 and "a series 'portugal' already exists" in again.output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"--network": "atlantis"}, "--network: unknown 'atlantis'"),
        ({"--lang": "de"}, "--lang: 'de' is not one of en, fr, es, pt, ca"),
        ({"--title": "es=Boletín"}, "--title: give the title in pt"),
        ({"--title": "Boletim"}, "--title: 'Boletim' is not LANG=TEXT"),
        ({"--cadence": "every tuesday"}, "--cadence: cadence 'every tuesday' is not a valid cron"),
        ({"slug": "Portugal!"}, "slug: lowercase letters, digits and -"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_added(
    cli_seeded_database: str, change: dict[str, str], expected: str
) -> None:
    args = list(PORTUGAL)
    for option, value in change.items():
        if option == "slug":
            args[args.index("portugal")] = value
        elif option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    listed = runner.invoke(app, ["bulletin", "series", "list", "--json"])
    assert [s["slug"] for s in json.loads(listed.stdout)] == ["global"]
