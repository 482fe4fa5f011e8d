"""A process that cannot work refuses to start: one clear line, a non-zero exit (real `aive`).

The timeouts only bound a hang: a start on a loaded machine can take long, and nothing here
waits a fixed time.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.slow  # started first (tests/conftest.py)

AIVE = str(Path(sys.executable).with_name("aive"))
HANG = 300  # seconds: a start that takes longer than this is stuck
# the lines a process logs while it stops (app/runtime.py), before its refusal
SHUTDOWN_LOG = ("app.runtime: shutting down", "app.runtime: stopped")
PRODUCTION_KEY = "k" * 32


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
    env["AIVE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'aive.db'}"
    return env | settings


def _aive(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AIVE, *args],
        env=_env(tmp_path, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )


def _refusal(stderr: str) -> list[str]:
    """stderr without the log lines of a process stopping; the refusal is what is left."""
    return [line for line in stderr.splitlines() if not line.endswith(SHUTDOWN_LOG)]


def _p256_public_key() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return base64.b64encode(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).decode()


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        (
            {
                "AIVE_ENV": "production",
                "AIVE_SECRET_KEY": "short",
                "AIVE_PUBLIC_URL": "https://a.org",
            },
            "configuration error: AIVE_SECRET_KEY must be at least 32 bytes",
        ),
        (
            {"AIVE_ENV": "production", "AIVE_SECRET_KEY": PRODUCTION_KEY},  # default http://…
            "configuration error: AIVE_PUBLIC_URL must be an https:// URL when AIVE_ENV=production",
        ),
        (
            {"AIVE_SENDGRID_WEBHOOK_PUBLIC_KEY": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE-not-a-key"},
            "configuration error: AIVE_SENDGRID_WEBHOOK_PUBLIC_KEY: must be the base64 ECDSA P-256",
        ),
        (
            {"AIVE_TELEGRAM_TOKEN": "not a token"},
            "configuration error: AIVE_TELEGRAM_TOKEN: must be",
        ),
    ],
    ids=["short-secret-key", "http-public-url", "malformed-sendgrid-key", "malformed-bot-token"],
)
@pytest.mark.parametrize("command", [["run"], ["web"], ["config", "check"]])
def test_a_bad_setting_refuses_every_process_with_one_line_and_exit_2(
    tmp_path: Path, command: list[str], settings: dict[str, str], line: str
) -> None:
    done = _aive(tmp_path, *command, **settings)
    assert done.returncode == 2
    [refusal] = done.stderr.splitlines()
    assert refusal.startswith(line)
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_good_sendgrid_key_and_production_settings_pass_the_check(tmp_path: Path) -> None:
    key = _p256_public_key()
    done = _aive(
        tmp_path,
        "config",
        "check",
        "--json",
        AIVE_ENV="production",
        AIVE_SECRET_KEY=PRODUCTION_KEY,
        AIVE_PUBLIC_URL="https://aive.example.org",
        AIVE_SENDGRID_WEBHOOK_PUBLIC_KEY=key[:40] + "\n" + key[40:],  # as pasted, wrapped
    )
    assert done.returncode == 0, done.stderr
    assert f'"sendgrid_webhook_public_key": "{key}"' in done.stdout


def test_a_bad_setting_answers_before_anything_heavy_is_imported(tmp_path: Path) -> None:
    # `AIVE_WEB_PORT=abc aive run` used to import the web app, aiogram and the scheduler first
    probe = (
        "import sys\nfrom app.cli import main\nsys.argv = ['aive', 'run']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "heavy = {'sqlalchemy', 'aiohttp', 'aiogram', 'alembic'} & set(sys.modules)\n"
        "print(code, sorted(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=_env(tmp_path, AIVE_WEB_PORT="abc"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=True,
    )
    assert done.stdout.strip() == "2 []"
    assert done.stderr.splitlines() == [
        "configuration error: AIVE_WEB_PORT: Input should be a valid integer, "
        "unable to parse string as an integer (got 'abc')"
    ]


@pytest.mark.timeout(HANG)
def test_web_refuses_a_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _aive(tmp_path, "web", AIVE_WEB_PORT=str(port))
    assert done.returncode == 1
    assert _refusal(done.stderr) == [
        f"the web app cannot listen on 127.0.0.1:{port} (AIVE_WEB_HOST, AIVE_WEB_PORT): "
        "Address already in use"
    ]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "the Telegram bot cannot start: AIVE_TELEGRAM_TOKEN is not set"),
        ("fr", "le bot Telegram ne peut pas démarrer : AIVE_TELEGRAM_TOKEN n'est pas défini"),
    ],
)
def test_bot_without_a_token_says_so_once_and_exits_2(
    tmp_path: Path, language: str, line: str
) -> None:
    done = _aive(tmp_path, "bot", LANGUAGE=language)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [line]


@pytest.mark.timeout(HANG)
def test_bot_refuses_to_start_when_telegram_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    done = _aive(tmp_path, "bot", AIVE_TELEGRAM_TOKEN="1:abc", AIVE_TELEGRAM_API_URL=url)
    assert done.returncode == 1
    [refusal] = _refusal(done.stderr)
    assert refusal.startswith(f"the Telegram bot cannot start: no answer from {url} (")


@pytest.mark.timeout(HANG)
async def test_bot_refuses_to_start_when_telegram_refuses_the_token(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    process = await asyncio.create_subprocess_exec(
        AIVE,
        "bot",
        env=_env(
            tmp_path,
            AIVE_TELEGRAM_TOKEN="1:revoked",
            AIVE_TELEGRAM_API_URL=fake_telegram.url,
            LANGUAGE="ca",
        ),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), HANG)
    assert process.returncode == 1
    assert _refusal(stderr.decode()) == [
        "el bot de Telegram no es pot iniciar: Telegram ha rebutjat AIVE_TELEGRAM_TOKEN "
        "(Unauthorized)"
    ]
