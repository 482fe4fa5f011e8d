"""SIGKILL `aive db upgrade` on a fresh SQLite file at random moments: the next `aive db upgrade`
always finishes, with every migration applied and the seed data loaded once.

The kills are spread over the time a reference run spends on the database (from the moment it
creates the file until it exits), so they land before, between and inside migrations and during
the seed. What is checked is the state the rerun leaves, not timing, so a busy machine only
shifts where the kills land.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from storage.migrate import alembic_config

KILLS = 20
AIVE = str(Path(sys.executable).with_name("aive"))
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _start_upgrade(db: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
    env.update(AIVE_DATABASE_URL=f"sqlite+aiosqlite:///{db}", LANGUAGE="en")
    return subprocess.Popen(
        [AIVE, "db", "upgrade"],
        cwd=db.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_for_file(db: Path, process: subprocess.Popen[bytes]) -> float:
    """The moment `process` created `db` (or ended without creating it)."""
    while not db.exists() and process.poll() is None:
        time.sleep(0.005)
    return time.monotonic()


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def _stage(db: Path) -> str:
    """How far a killed upgrade got, from what it committed."""
    if not db.exists() or not _query(
        db, "SELECT 1 FROM sqlite_master WHERE name='alembic_version'"
    ):
        return "before the first migration"
    version = _query(db, "SELECT version_num FROM alembic_version")
    if version != [(HEAD,)]:
        return "between or inside migrations"
    if _query(db, "SELECT count(*) FROM networks") == [(0,)]:
        return "after the migrations, before the seed"
    return "after the seed"


def _kill_then_rerun(db: Path, delay: float) -> str:
    """Kill an upgrade of a fresh `db` `delay` seconds after it created the file; rerun it.

    Returns how far the killed upgrade got."""
    process = _start_upgrade(db)
    time.sleep(max(0.0, _wait_for_file(db, process) + delay - time.monotonic()))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)
    stage = _stage(db) if process.returncode == -signal.SIGKILL else "finished unkilled"
    rerun = _start_upgrade(db)
    output, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, f"{db.name}, killed {stage}: {output.decode()}"
    return stage


@pytest.mark.timeout(900)  # 41 starts of `aive`; on an idle machine well under a minute
def test_a_killed_upgrade_is_finished_by_the_next_one(tmp_path: Path) -> None:
    reference = tmp_path / "reference.db"
    process = _start_upgrade(reference)
    created = _wait_for_file(reference, process)
    output, _ = process.communicate(timeout=120)
    window = time.monotonic() - created
    assert process.returncode == 0, output.decode()
    networks = _query(reference, "SELECT count(*) FROM networks")

    rng = random.Random(13)
    # one random moment in each twentieth of the window, so the kills cover all of it
    delays = [window * (kill + rng.random()) / KILLS for kill in range(KILLS)]
    databases = [tmp_path / f"killed-{kill}.db" for kill in range(KILLS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: most of a run is start-up
        stages = Counter(pool.map(_kill_then_rerun, databases, delays))

    for db in databases:
        assert _query(db, "SELECT version_num FROM alembic_version") == [(HEAD,)]
        assert _query(db, "SELECT count(*) FROM cafe_seats") == [(0,)]  # the last migration's
        assert _query(db, "SELECT count(*) FROM networks") == networks  # the seed, complete
        assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    elapsed = time.monotonic() - started
    print(f"\nkilled: {dict(stages)}; {KILLS} kills and reruns in {elapsed:.1f} s")  # noqa: T201
