"""What the consultation answer pages share: their settings (`AnswerSite`, kept on the
aiohttp application), the reader's language, and how a page is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp import web

from engagement.consultations.web_links import DEFAULT_VALIDITY
from newsletter.subscriptions.mailer import Mailer
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from storage.base import utcnow
from storage.engine import SessionFactory
from web.public.answer_pages import LANGUAGES


@dataclass
class AnswerSite:
    sessions: SessionFactory
    key: str
    public_url: str
    mailer: Mailer
    default_language: str = "en"
    timezone: str = "Europe/Madrid"  # the secretariat's, for people who gave none
    trusted_proxy: bool = False
    link_validity: timedelta = DEFAULT_VALIDITY
    limiter: SlidingWindowLimiter = field(default_factory=lambda: SlidingWindowLimiter(5, 15 * 60))
    clock: Callable[[], datetime] = utcnow


SITE = web.AppKey("consultation_answers", AnswerSite)


def reader_lang(request: web.Request, preferred: str | None = None) -> str:
    """`?lang=`, else the person's language, else Accept-Language, else the default."""
    asked = request.query.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    if preferred and preferred.split("-")[0] in LANGUAGES:
        return preferred.split("-")[0]
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return request.app[SITE].default_language


def html_page(body: str, lang: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, content_type="text/html", status=status)
    response.headers["Content-Language"] = lang
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is a key: never leak it
    return response


def form_str(value: object) -> str:
    return value if isinstance(value, str) else ""
