"""`pip install .` gives a working product: the wheel, installed with the lock into a fresh venv
away from the checkout, migrates, loads the demo and composes the French bulletin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")  # a dev requirement, in the same venv


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _fresh_clone(into: Path) -> Path:
    """The checkout's files as git would hand them to a new machine (ignored ones, such as the
    compiled `.mo` catalogs, left out)."""
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_installed_wheel_migrates_loads_the_demo_and_composes_a_french_bulletin(
    tmp_path: Path,
) -> None:
    source = _fresh_clone(tmp_path / "clone")
    _run(UV, "build", "--wheel", "--quiet", "--out-dir", tmp_path / "dist", source, cwd=source)
    (wheel,) = (tmp_path / "dist").glob("aive_comms-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert packages == {
        "app",
        "bot",
        "web",
        "campaigns",
        "engagement",
        "newsletter",
        "outbox",
        "storage",
    }
    assert not [n for n in names if n.endswith((".po", ".pyc")) or "/tests/" in n]
    assert "app/locales/fr/LC_MESSAGES/cli_cities.mo" in names
    assert "app/examples/feeds/demo.opml" in names
    # the staff console: its catalogs, templates and the vendored htmx with its license
    for console_file in (
        "web/locales/fr/LC_MESSAGES/console.mo",
        "web/console/templates/base.html",
        "web/console/static/htmx.min.js",
        "web/console/static/htmx.LICENSE.txt",
        "web/console/static/console.css",
    ):
        assert console_file in names

    venv = tmp_path / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    install = (UV, "pip", "install", "--quiet", "--python", python)
    _run(*install, "--require-hashes", "-r", ROOT / "requirements.txt", cwd=tmp_path)
    _run(*install, "--no-deps", wheel, cwd=tmp_path)

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIVE_", "PYTHON"))}
    env.update(AIVE_DATABASE_URL=f"sqlite+aiosqlite:///{work / 'aive.db'}", LANGUAGE="fr")
    aive = venv / "bin" / "aive"
    _run(aive, "db", "upgrade", cwd=work, env=env)
    # in French: the catalogs compiled at build time are those the installed command speaks
    assert _run(aive, "demo", "load", cwd=work, env=env).startswith("démo : 5 villes")
    # the demo has approved this period's editions: nothing new since, so it must be asked for
    compose = ("bulletin", "compose", "global", "--lang", "fr", "--allow-empty", "--json")
    composed = json.loads(_run(aive, *compose, cwd=work, env=env))
    (edition,) = composed["editions"]
    assert edition["language"] == "fr"
    assert sum(section["count"] for section in edition["sections"]) > 0
