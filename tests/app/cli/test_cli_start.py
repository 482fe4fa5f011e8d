"""`aive` starts fast: a command loads its own group only, and help reads the same as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from app.cli.lazy_group import Placeholder, Subgroup
from app.cli.main import AiveGroup, app

AIVE = str(Path(sys.executable).with_name("aive"))
# run `aive ARGS` in this interpreter, then list on stderr the modules it had imported
PROBE = """
import sys
from app.cli import main
sys.argv = ["aive", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str, cwd: Path, **environ: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")} | environ
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    return set(done.stderr.split()[-1000:]) if done.stderr else set()


@pytest.mark.parametrize("subgroup", AiveGroup.subgroups, ids=lambda s: s.name)
def test_the_root_lists_each_group_with_the_groups_own_help(subgroup: Subgroup) -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, AiveGroup)
    ctx = root.context_class(root)
    assert isinstance(root.commands[subgroup.name], Placeholder)
    with root._listing_only():
        listed = root.get_command(ctx, subgroup.name)
    loaded = root.get_command(ctx, subgroup.name)
    assert not isinstance(loaded, Placeholder) and loaded.commands
    assert listed.help == loaded.help
    assert root.list_commands(ctx)[:4] == ["run", "web", "scheduler", "worker"]


def test_aive_help_loads_no_command_group_nor_the_database_layer(tmp_path: Path) -> None:
    modules = _modules_after("--help", cwd=tmp_path)
    assert "app.cli.main" in modules
    loaded = {m for m in modules if m.startswith("app.cli.") and m != "app.cli.main"}
    assert loaded <= {"app.cli.i18n", "app.cli.lazy_group", "app.cli.processes"}
    assert not {"sqlalchemy", "pydantic_settings", "app.settings"} & modules


def test_cities_list_loads_its_group_alone(tmp_path: Path, cli_sqlite_database: str) -> None:
    modules = _modules_after(
        "cities", "list", "--json", cwd=tmp_path, AIVE_DATABASE_URL=cli_sqlite_database
    )
    assert "app.cli.cities" in modules
    assert not {m for m in modules if m.startswith("app.cli.") and "cities" not in m} - {
        "app.cli.main",
        "app.cli.i18n",
        "app.cli.lazy_group",
        "app.cli.processes",
        "app.cli.context",
        "app.cli.output",  # the shared printing of lists and reports
    }
    # neither the web app, the bot, migrations, nor the CSV validation (Babel)
    assert not {"aiohttp", "aiogram", "alembic", "babel", "newsletter"} & modules


def test_a_groups_help_is_read_in_the_operators_language() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")} | {"LANGUAGE": "fr"}
    done = subprocess.run(
        [AIVE, "cities", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0
    assert "Villes membres." in done.stdout
    assert "Toutes les villes membres avec leur pays" in done.stdout
