"""A 100,000-row subscriber import (`aive subscribers import --confirmed --json`, on a fresh
SQLite database) against a bare pass over the same file: `csv` + `email-validator` alone (what
any import must at least do). Prints seconds, the ratio (goal ≤ 3) and the rejected rows.
Run: .venv/bin/python benchmarks/import.py [ROWS]
"""

from __future__ import annotations

import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from email_validator import EmailNotValidError, validate_email
from typer.testing import CliRunner

from app.cli import app

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def write_file(path: Path) -> None:
    """Realistic rows, one in fifty of them bad (address, duplicate, language, network)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["email", "name", "language", "networks", "consent_source", "consented_at"])
        for n in range(ROWS):
            email, language, networks = f"reader{n}@city{n % 400}.example.org", "es", "spain"
            if n % 50 == 7:
                email = f"reader{n}@@broken"
            elif n % 50 == 17:
                email = f"reader{n - 1}@city{(n - 1) % 400}.example.org"
            elif n % 50 == 27:
                language = "klingon"
            elif n % 50 == 37:
                networks = "atlantis"
            out.writerow([email, f"Reader {n}", language, networks, "fair 2026", "2026-10-01"])


def bare_pass(path: Path) -> int:
    bad = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                validate_email(row["email"], check_deliverability=False)
            except EmailNotValidError:
                bad += 1
    return bad


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "subscribers.csv"
        write_file(path)
        os.environ["AIVE_DATABASE_URL"] = f"sqlite+aiosqlite:///{folder}/bench.db"
        os.environ["AIVE_SECRET_KEY"] = "bench"
        os.environ["AIVE_OUTBOX_DIR"] = f"{folder}/outbox"
        runner = CliRunner()
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        started = time.perf_counter()
        bare_pass(path)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        result = runner.invoke(app, ["subscribers", "import", str(path), "--confirmed", "--json"])
        ours = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    reasons: dict[str, int] = {}
    for row in report["rejected"]:
        reason = row["reason"].split(":")[0]
        reasons[reason] = reasons.get(reason, 0) + 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rejected = len(report["rejected"])
    print(f"{ROWS:,} rows: {report['added']:,} added, {rejected:,} rejected {reasons}")
    print(f"  aive subscribers import:     {ours:6.1f} s   (peak RSS of the process {peak:.0f} MB)")
    print(f"  bare csv + email-validator:  {bare:6.1f} s")
    print(f"  ratio:                       {ours / bare:6.2f}   (goal ≤ 3)")


if __name__ == "__main__":
    main()
