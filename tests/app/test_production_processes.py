"""Production processes as operators run them: several `aive` processes, one `/metrics` that
counts them all, JSON log lines (AIVE_LOG_FORMAT=json) that never hold a secret.

Nothing waits a fixed time: the tests wait for an answer or a line, timeouts only bound a hang.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

AIVE = [str(Path(sys.executable).with_name("aive"))]
HANG = 120.0
TOKEN = "123456:AAH-SECRETbotTOKENvalue_0123456789"
WEBHOOK_SECRET = "webhook-SECRET-token-42"
SENDGRID_KEY = "SG.SECRETsendgridKEY.0123456789abcdef"
SECRET_KEY = "SECRET-signing-key-" + "x" * 40
DB_PASSWORD = "Secret-DB-Passw0rd"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(predicate: Callable[[], bool], timeout: float = HANG) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post_json(url: str, body: object, **headers: str) -> int:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


@dataclass
class Processes:
    """`aive` processes started in `cwd` with `env`, each logging to its own file."""

    cwd: Path
    env: dict[str, str]
    running: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(self, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.cwd / f"{args[0]}-{len(self.running)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*AIVE, *args], env={**self.env, **env}, cwd=self.cwd, stdout=out, stderr=out
            )
        self.running.append((proc, log))
        return proc, log

    def web(self) -> tuple[str, subprocess.Popen[bytes]]:
        port = _free_port()
        proc, log = self.start("web", AIVE_WEB_PORT=str(port))
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"aive web exited {proc.returncode}: {log.read_text()}")
            try:
                return _get(base + "/healthz")[0] == 200
            except OSError:
                return False

        assert _wait_for(up), "aive web never answered /healthz"
        return base, proc

    def stop_all(self) -> None:
        for proc, _ in self.running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.running:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def output(self) -> str:
        return "".join(log.read_text(errors="replace") for _, log in self.running)


@pytest.fixture
def processes(tmp_path: Path, cli_database: str) -> Iterator[Processes]:
    url = make_url(cli_database)
    if url.get_backend_name() == "postgresql":  # trust auth: any password is accepted
        url = url.set(password=DB_PASSWORD)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
    env.update(
        AIVE_DATABASE_URL=url.render_as_string(hide_password=False),
        AIVE_LOG_FORMAT="json",
        AIVE_TELEGRAM_TOKEN=TOKEN,
        AIVE_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        AIVE_TELEGRAM_API_URL="http://127.0.0.1:1",  # nobody: every call to Telegram fails
        AIVE_SENDGRID_API_KEY=SENDGRID_KEY,
        AIVE_SENDGRID_HOST="http://127.0.0.1:1",
        AIVE_SECRET_KEY=SECRET_KEY,
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    running = Processes(tmp_path, env)
    try:
        yield running
    finally:
        running.stop_all()


def _update(update_id: int, text: str) -> dict[str, object]:
    user = {"id": 777000 + update_id, "is_bot": False, "first_name": "Ana", "language_code": "pt"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private", "first_name": "Ana"},
            "from": user,
            "text": text,
        },
    }


def _sample(text: str, name: str, **labels: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_of_every_web_process_are_counted_in_each_scrape(
    processes: Processes,
) -> None:
    first, _ = processes.web()
    second, second_proc = processes.web()
    for base, times in ((first, 3), (second, 2)):
        for _ in range(times):
            assert _get(base + "/readyz")[0] == 200
    secret = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    assert _post_json(second + "/webhooks/telegram", _update(41, "/help"), **secret) == 200

    def counted() -> bool:
        text = _get(first + "/metrics")[1]
        return _sample(text, "aive_bot_update_seconds_count") >= 1

    assert _wait_for(counted), "the update handled by the second process never showed"
    text = _get(first + "/metrics")[1]
    assert _sample(text, "aive_http_requests_total", route="/readyz", status="2xx") == 5
    assert _sample(text, "aive_db_pool_capacity") > 0

    second_proc.send_signal(signal.SIGKILL)  # what it counted stays counted
    second_proc.wait()
    text = _get(first + "/metrics")[1]
    assert _sample(text, "aive_http_requests_total", route="/readyz", status="2xx") == 5


def test_json_log_lines_carry_the_update_and_request_ids_and_no_secret(
    processes: Processes, tmp_path: Path
) -> None:
    base, _ = processes.web()
    processes.start("worker")
    processes.start("scheduler")
    secret = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    # the bot's answers fail (Telegram is unreachable): the errors are logged, with their URLs
    assert _post_json(base + "/webhooks/telegram", _update(42, "/start"), **secret) == 200
    assert _get(base + "/metrics")[0] == 200
    assert _get(base + f"/unsubscribe/{SECRET_KEY}", **{"X-Request-Id": "req-7"})[0] == 404

    def logged(needle: str) -> Callable[[], bool]:
        return lambda: needle in processes.output()

    assert _wait_for(logged('"update_id": 42')), processes.output()
    assert _wait_for(logged("worker draining"))
    assert _wait_for(logged("scheduler running"))
    check = subprocess.run(
        [*AIVE, "config", "check"], env=processes.env, cwd=tmp_path, capture_output=True
    )
    processes.stop_all()
    output = processes.output() + check.stdout.decode() + check.stderr.decode()

    for value in (TOKEN, TOKEN.partition(":")[2], WEBHOOK_SECRET, SENDGRID_KEY, SECRET_KEY):
        assert value not in output
    assert DB_PASSWORD not in output
    lines = [json.loads(line) for line in processes.output().splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    failed = [line for line in lines if line.get("update_id") == 42 and line["level"] == "error"]
    assert failed, "the failed answer to update 42 was logged with its id"
