"""The real `aive` processes: start, serve, stop on a signal; one scheduler leader at a time.

Nothing waits a fixed time for a process to be ready: the tests wait for what they need
(an answer from /healthz, a line in a log), and their timeouts only bound a hang.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.runtime import SHUTDOWN_SECONDS
from tests.conftest import PG_URL

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

AIVE = [str(Path(sys.executable).with_name("aive"))]
HANG = 300  # seconds: a process that takes longer than this to start is stuck


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
    env.update(extra)
    env.setdefault("AIVE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'aive.db'}")
    return env


def _wait_for(predicate, timeout: float = HANG) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.timeout(HANG + 30)
def test_run_serves_healthz_then_stops_within_10_s_on_sigterm(
    tmp_path: Path, cli_sqlite_database: str
) -> None:
    port = _free_port()
    env = _env(tmp_path, AIVE_WEB_PORT=str(port), AIVE_DATABASE_URL=cli_sqlite_database)
    proc = subprocess.Popen(
        [*AIVE, "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def healthy() -> bool:
            if proc.poll() is not None:  # it stopped: say why at once rather than wait
                output = proc.stdout.read() if proc.stdout else ""
                raise AssertionError(f"aive run exited {proc.returncode}: {output}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    return bool(r.status == 200)
            except OSError:
                return False

        assert _wait_for(healthy), "aive run never answered /healthz"
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=HANG)
        assert time.monotonic() - started < SHUTDOWN_SECONDS
        assert "did not stop in" not in output  # every part stopped on its own, none cancelled
        assert proc.returncode == 0
        assert "Telegram bot is off: AIVE_TELEGRAM_TOKEN is not set" in output
        assert output.count("Telegram bot is off") == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_bad_port_stops_start_up_with_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [*AIVE, "run"],
        env=_env(tmp_path, AIVE_WEB_PORT="abc"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: AIVE_WEB_PORT: Input should be a valid integer, "
        "unable to parse string as an integer (got 'abc')"
    ]


@pytest.mark.postgres
@pytest.mark.timeout(HANG + 60)
@pytest.mark.skipif(not PG_URL, reason="needs AIVE_TEST_DATABASE_URL (PostgreSQL)")
def test_two_schedulers_one_leader_and_takeover_after_a_kill(tmp_path: Path) -> None:
    assert PG_URL
    env = _env(tmp_path, AIVE_DATABASE_URL=PG_URL)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    handles = [log.open("w") for log in logs]
    procs = [
        subprocess.Popen(
            [*AIVE, "scheduler"], env=env, cwd=tmp_path, stdout=h, stderr=subprocess.STDOUT
        )
        for h in handles
    ]
    try:

        def leaders() -> list[int]:
            return [
                i for i, log in enumerate(logs) if "this process is the leader" in log.read_text()
            ]

        assert _wait_for(lambda: len(leaders()) == 1)
        time.sleep(6)  # the follower keeps trying; it must not lead while the leader lives
        assert len(leaders()) == 1
        leader = leaders()[0]
        follower = 1 - leader
        assert "another process leads; waiting" in logs[follower].read_text()
        procs[leader].kill()
        killed_at = time.monotonic()
        assert _wait_for(lambda: follower in leaders(), 30)
        assert time.monotonic() - killed_at < 30
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for handle in handles:
            handle.close()


def test_short_commands_do_not_load_the_bot_framework() -> None:
    """`aive cities list` and friends start fast: aiogram (seconds to import) stays unloaded."""
    probe = "import sys, app.cli.main; print(sorted(m for m in sys.modules if m == 'aiogram'))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
