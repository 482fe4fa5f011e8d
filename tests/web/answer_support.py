"""Shared by the web answer tests: the web app with a known key, links, and forms as a
browser without JavaScript sends them."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from app.context import AppContext
from app.settings import load_settings
from app.web import build_web_app
from engagement.consultations.web_links import AnswerLink, answer_path, make_token
from storage.engine import SessionFactory

PUBLIC = "https://aive.example.org"
PAGE_BUDGET = 50_000  # bytes of HTML per page, before images (the "light")
KEY = "web-answers-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def web_client(sessions: SessionFactory, outbox: Path, **settings: object) -> TestClient:
    app_settings = load_settings(
        public_url=PUBLIC, secret_key=KEY, outbox_dir=outbox, timezone="Europe/Madrid", **settings
    )
    engine = sessions.kw["bind"]
    return TestClient(TestServer(build_web_app(AppContext(app_settings, engine, sessions))))


def link(
    slug: str,
    consultation_id: int,
    person_id: int,
    city_id: int | None,
    *,
    now: datetime | None = None,
    key: str = KEY,
) -> str:
    token = make_token(AnswerLink(consultation_id, person_id, city_id), key, now=now)
    return answer_path(slug, token)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, f"no hidden field {name} on the page"
    return html.unescape(found.group(1))


def visible_text(page: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def send(
    client: TestClient,
    path: str,
    page: str,
    answers: Sequence[tuple[str, str]] = (),
    *,
    action: str = "save",
    question: str | None = None,
) -> tuple[int, str]:
    """Post the form of `page` as a browser would (its hidden fields, the `answers` given as
    `(question id, value)` pairs, every field present); follows the redirect."""
    data: list[tuple[str, str]] = [("action", action)]
    for name in ("version", "seen", "shown", "q"):
        if f'name="{name}"' in page:
            data.append((name, hidden(page, name)))
    if question is not None and not any(k == "q" for k, _ in data):
        data.append(("q", question))
    for qid in {q for q, _ in answers}:
        data.append((f"p_{qid}", "1"))
    data += [(f"a_{q}", value) for q, value in answers]
    response = await client.post(path, data=data)
    page = await response.text()
    assert len(page.encode()) < PAGE_BUDGET, f"{len(page.encode())} bytes"
    return response.status, page


def mailed_links(outbox: Path) -> dict[str, str]:
    """The answer link of each email in the outbox, by recipient address."""
    found: dict[str, str] = {}
    for eml in sorted(outbox.glob("*.eml")):
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        match = re.search(r"https://\S+/answer/\S+", body.get_content())
        if match:
            found[str(message["To"]).split("<")[-1].rstrip(">")] = match.group(0)
    return found
