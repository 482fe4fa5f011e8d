"""Score our three kinds of email with SpamAssassin (Debian's `spamassassin`, no network tests).

Builds a bulletin (a 20-item sample edition), a confirmation and a campaign email exactly as the
file outbox writes them, runs `spamassassin --local --test-mode` on each and prints the score
and the rules hit. Goal: 0.0 from the message itself: network rules (DNS, Razor, Pyzor) are
off, and the 0-point notes that the message was not relayed are not listed.

    .venv/bin/python benchmarks/spam_score.py [--keep DIR]    (exit 1 above 0.0)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.catalogs import compile_all
from campaigns.email import render_email
from campaigns.messages import StepText
from newsletter.delivery.backend import OutgoingBatch, OutgoingRecipient
from newsletter.delivery.outbox_backend import render_message
from newsletter.editions.render import render_edition
from newsletter.subscriptions.confirmation import confirmation_message
from newsletter.subscriptions.mailer import to_email_message
from tests.newsletter.sample_edition import sample_context, sample_edition

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MAIL_FROM = "Educating Cities <bulletin@edcities.example>"
PUBLIC = "https://comms.edcities.example"
# rules about transport or about our test domain, not about what we write
TRANSPORT_RULES = ("NO_RELAYS", "NO_RECEIVED")
TOTAL = re.compile(r"Content analysis details:\s+\((-?[\d.]+) points")
RULE = re.compile(r"^\s*(-?[\d.]+) ([A-Z][A-Z0-9_]+)\s", re.M)


def recipient() -> OutgoingRecipient:
    token = "17.bmF0aGFuYWVsQGV4YW1wbGUub3Jn.x3Ht1cT7Q0bYq2k8v0p6Lw-ZkA"
    return OutgoingRecipient(
        delivery_id=7,
        subscriber_id=7,
        email="joao@example.pt",
        name="João",
        unsubscribe_url=f"{PUBLIC}/unsubscribe/{token}",
        preferences_url=f"{PUBLIC}/preferences/{token}",
    )


def bulletin() -> bytes:
    rendered = render_edition(sample_edition("pt"), sample_context(public_url=PUBLIC))
    batch = OutgoingBatch(
        edition_id=42,
        mail_from=MAIL_FROM,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        recipients=(recipient(),),
        headers={"List-Id": "<global.pt.edcities.example>"},
    )
    return render_message(batch, recipient(), NOW)


def confirmation() -> bytes:
    class Keys:
        public_url = PUBLIC

        def signing_key(self) -> str:
            return "a-benchmark-signing-key-of-32-bytes!"

    class Ana:
        id, email, email_key, name, language = 7, "ana@example.es", "ana@example.es", "Ana", "es"

    message = confirmation_message(Keys(), Ana())  # type: ignore[arg-type]
    return to_email_message(message, MAIL_FROM).as_bytes()


def campaign() -> bytes:
    content = StepText(
        subject="10 days to the International Day of Educating Cities",
        paragraphs=(
            "On 30 November, educating cities around the world celebrate their International "
            "Day. Organise an activity in your city and share it.",
            "The communication kit has an email, a press release, posts and cards.",
        ),
        link=f"{PUBLIC}/campaigns/2026/kit/?lang=en",
        link_label="Open the communication kit",
    )
    email = render_email(content, "en")
    batch = OutgoingBatch(
        edition_id=43,
        mail_from=MAIL_FROM,
        subject=email.subject,
        html=email.html,
        text=email.text,
        recipients=(recipient(),),
        category="campaign",
        headers={"List-Id": "<day-2026.en.edcities.example>"},
    )
    return render_message(batch, recipient(), NOW)


def score(message: bytes) -> tuple[float, list[str]]:
    """SpamAssassin's score without network tests, and the rules hit with their points
    (informational transport rules at 0 points left out)."""
    done = subprocess.run(
        ["spamassassin", "--local", "--test-mode"],
        input=message,
        capture_output=True,
        check=True,
        timeout=120,
    )
    report = done.stdout.decode("utf-8", "replace")
    total = TOTAL.search(report)
    if total is None:
        raise RuntimeError("no content analysis in SpamAssassin's answer")
    rules = [
        f"{rule} ({points})"
        for points, rule in RULE.findall(report.split("Content analysis details:", 1)[1])
        if not rule.startswith(TRANSPORT_RULES)
    ]
    return float(total.group(1)) or 0.0, rules  # or 0.0: SpamAssassin writes -0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="also write the three .eml files here")
    args = parser.parse_args()
    if shutil.which("spamassassin") is None:
        print("skipped: spamassassin is not installed (apt-get install spamassassin)")
        return 0
    compile_all()
    worst = 0.0
    kinds = (("bulletin", bulletin), ("confirmation", confirmation), ("campaign", campaign))
    for kind, build in kinds:
        message = build()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{kind}.eml").write_bytes(message)
        points, rules = score(message)
        worst = max(worst, points)
        print(f"{kind:13} {points:4.1f}  {', '.join(rules) or '(no rule hit)'}")
    return 0 if worst == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
