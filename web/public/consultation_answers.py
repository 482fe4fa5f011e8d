"""A consultation answered on the web: the representative's signed link opens the city's
response, the same row the bot answers (`engagement.consultations`), under the same rules.

Routes (mounted by app/web.py through `setup_consultation_answers`):
- `GET  /consultations/{slug}/answer/{token}`: where the response stands: the current
  question (`web_layout: steps`; `?q=<id>` shows another visible one), every question
  (`single`; `?edit=1` after the review), the review before submitting, or the answers as
  submitted. Works without JavaScript: `show_if` is decided by the server from saved answers.
- `POST /consultations/{slug}/answer/{token}`: `action` = save | skip | submit | change.
  Saving checks each answer with the bot's rules and words (the `consultations` catalog);
  a refused answer comes back with its sentence in an error summary, what was typed kept.
  Every form carries the version it was made from: when someone saved in between (in the bot
  or here), nothing is saved and the page says which answers changed (optimistic locking).
- `POST /consultations/{slug}/sign-in`: mail a new link to a representative's address; the
  same answer whether the address is known or not, rate-limited per visitor.
- `GET  /static/consultation-answers.js`: live show/hide of branching questions (a file:
  the pages' CSP allows no inline script).

The link checks are in `answer_open`, the pages in `answer_view`, the POST in `answer_save`.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from web.public.answer_open import open_link
from web.public.answer_save import save
from web.public.answer_sign_in import sign_in
from web.public.answer_site import SITE, AnswerSite
from web.public.answer_view import render_view

__all__ = ["AnswerSite", "save", "script", "setup_consultation_answers", "show"]

SCRIPT = Path(__file__).resolve().parent / "static" / "consultation-answers.js"


def setup_consultation_answers(app: web.Application, site: AnswerSite) -> None:
    app[SITE] = site
    app.router.add_get("/consultations/{slug}/answer/{token}", show)
    app.router.add_post("/consultations/{slug}/answer/{token}", save)
    app.router.add_post("/consultations/{slug}/sign-in", sign_in)
    app.router.add_get("/static/consultation-answers.js", script)


async def show(request: web.Request) -> web.Response:
    opened = await open_link(request)
    if isinstance(opened, web.Response):
        return opened
    return render_view(request, opened)


async def script(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(SCRIPT)
    response.content_type = "text/javascript"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
