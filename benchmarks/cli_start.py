"""How long `aive` takes to answer, against a minimal Typer app's `--help`.

Each figure is the median wall time of several runs (a new process each time, as an operator
runs it) of `aive --help`, `aive config check` and `aive cities list --json` (against a temporary
SQLite database migrated beforehand), and of `--help` of a one-command Typer app run with the
same interpreter. The machine is shared, so the four run in rounds, one of each per round.
Goal: each `aive` figure ≤ 2× the minimal Typer app.

    .venv/bin/python benchmarks/cli_start.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

GOAL = 2.0
MINIMAL_TYPER_APP = """\
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    print(f"Hello {name}")


app()
"""


def wall_time(command: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from start to exit of `command`, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args(argv).rounds

    aive = str(Path(sys.executable).with_name("aive"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        minimal = work / "minimal_typer_app.py"
        minimal.write_text(MINIMAL_TYPER_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
        env["AIVE_DATABASE_URL"] = f"sqlite+aiosqlite:///{work / 'aive.db'}"
        subprocess.run([aive, "db", "upgrade"], env=env, cwd=work, check=True, capture_output=True)
        commands = {
            "minimal Typer app --help": [sys.executable, str(minimal), "--help"],
            "aive --help": [aive, "--help"],
            "aive config check": [aive, "config", "check"],
            "aive cities list --json": [aive, "cities", "list", "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm the file cache, untimed
            wall_time(command, env, work)
        for _round in range(rounds):
            for name, command in commands.items():
                times[name].append(wall_time(command, env, work))

    baseline = statistics.median(times["minimal Typer app --help"])
    print(f"median of {rounds} runs each, {Path(sys.executable).name} {sys.version.split()[0]}")
    for name, runs in times.items():
        median = statistics.median(runs)
        ratio = median / baseline
        verdict = "" if name.startswith("minimal") else ("  ok" if ratio <= GOAL else "  > goal")
        print(f"{name:28} {median * 1000:7.0f} ms  {ratio:4.2f}×{verdict}")
    print(f"goal: each aive command ≤ {GOAL:g}× the minimal Typer app")


if __name__ == "__main__":
    main()
