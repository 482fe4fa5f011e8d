"""SIGKILL `aive db upgrade` on a fresh SQLite file at random moments: the next `aive db upgrade`
always finishes, with every migration applied and the seed data loaded once.

Each kill waits until the upgrade has committed a given migration, then a few random
milliseconds (some wait for the file to exist, then up to half a second), so the kills land
before, between and inside every migration and during the seed whatever the machine's load.
What is checked is the state each rerun leaves, not timing.
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
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from alembic.script import ScriptDirectory

from storage.migrate import alembic_config
from storage.seed import SEED_DIR

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

KILLS = 20
AIVE = str(Path(sys.executable).with_name("aive"))
_SCRIPT = ScriptDirectory.from_config(alembic_config())
REVISIONS = [script.revision for script in reversed(list(_SCRIPT.walk_revisions()))]
HEAD = REVISIONS[-1]


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
    with closing(sqlite3.connect(db, timeout=30)) as connection:
        return connection.execute(sql).fetchall()


def _version(db: Path) -> str | None:
    """The migration `db` is at (None before the first one, or while the file is being set up)."""
    try:
        rows = _query(db, "SELECT version_num FROM alembic_version")
    except sqlite3.OperationalError:
        return None
    return str(rows[0][0]) if rows else None


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


def _kill_then_rerun(db: Path, after: str | None, delay: float) -> str:
    """Kill an upgrade of a fresh `db` `delay` seconds after it committed migration `after`
    (None: after it created the file), rerun it, and return how far the killed one got."""
    process = _start_upgrade(db)
    _wait_for_file(db, process)
    if after is not None:
        wanted = REVISIONS[REVISIONS.index(after) :]
        while process.poll() is None and _version(db) not in wanted:
            time.sleep(0.005)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)
    stage = _stage(db) if process.returncode == -signal.SIGKILL else "finished unkilled"
    rerun = _start_upgrade(db)
    output, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, f"{db.name}, killed {stage}: {output.decode()}"
    return stage


@pytest.mark.timeout(900)  # 40 starts of `aive`
def test_a_killed_upgrade_is_finished_by_the_next_one(tmp_path: Path) -> None:
    rng = random.Random(13)
    # None: a moment in the first half second after the file appears, whatever was committed
    # (before per-migration transactions, nothing but the end was ever committed)
    marks: list[str | None] = [None, None, None, *REVISIONS]
    afters = [marks[kill % len(marks)] for kill in range(KILLS)]
    delays = [rng.uniform(0.0, 0.5 if after is None else 0.03) for after in afters]
    networks = len(yaml.safe_load((SEED_DIR / "networks.yaml").read_text(encoding="utf-8")))
    databases = [tmp_path / f"killed-{kill}.db" for kill in range(KILLS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: most of a run is start-up
        stages = Counter(pool.map(_kill_then_rerun, databases, afters, delays))

    for db in databases:
        assert _query(db, "SELECT version_num FROM alembic_version") == [(HEAD,)]
        assert _query(db, "SELECT count(*) FROM cafe_seats") == [(0,)]  # the last migration's
        assert _query(db, "SELECT count(*) FROM networks") == [(networks,)]  # the whole seed
        assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    elapsed = time.monotonic() - started
    print(f"\nkilled: {dict(stages)}; {KILLS} kills and reruns in {elapsed:.1f} s")  # noqa: T201
