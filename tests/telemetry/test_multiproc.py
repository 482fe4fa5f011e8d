"""The metrics directory shared by the processes: the live gauges of a process that was killed
(SIGKILL leaves its files) stop counting when the next process starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telemetry import multiproc


def test_prepare_forgets_the_live_gauges_of_dead_processes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    monkeypatch.setenv(multiproc.ENV, str(tmp_path))
    for name in (
        f"gauge_livesum_{dead_pid}.db",
        f"gauge_livesum_{os.getpid()}.db",
        f"counter_{dead_pid}.db",
    ):
        (tmp_path / name).write_bytes(b"")

    assert multiproc.prepare(tmp_path / "ignored") == tmp_path

    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([f"counter_{dead_pid}.db", f"gauge_livesum_{os.getpid()}.db"])
    assert not (tmp_path / "ignored").exists()  # PROMETHEUS_MULTIPROC_DIR, already set, wins
