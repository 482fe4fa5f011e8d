"""A consultation's page: its status with open and close, the preview of its first questions,
the live results (htmx asks for the `live` block every few seconds while it is open; a plain
link refreshes without JavaScript), the free-text answers with a search (server-side, by
pages), and the cities that have not answered with a button to remind them (the reminder the
scheduler sends, once per person, audit-logged)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from babel import Locale

from engagement.consultations import invitations, preview, standing
from engagement.consultations.errors import ConsultationError
from engagement.consultations.schema import QuestionType, localized
from engagement.consultations.standing_report import Standing, consultation_standing
from i18n.languages import LANGUAGES as BOT_LANGUAGES
from newsletter.subscriptions.service import network_names
from web.console import i18n
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.consultations import preview_language, status_label
from web.console.navigation import N_
from web.console.requests import actor, lang, path_id, render_page, see_other, sessions

routes = web.RouteTableDef()
TEXTS_PER_PAGE = 25
REFRESH_SECONDS = 5


def _notice(request: web.Request) -> str | None:
    here, query = lang(request), request.query
    done = query.get("done", "")

    def count(name: str) -> int:
        value = query.get(name, "0")
        return int(value) if value.isdigit() else 0

    if done == "opened":
        return i18n.lngettext(
            here,
            "Open. %(num)s invitation queued in the bot; %(emailed)s emailed.",
            "Open. %(num)s invitations queued in the bot; %(emailed)s emailed.",
            count("invited"),
            emailed=count("emailed"),
        )
    if done == "reminded":
        return i18n.lngettext(
            here,
            "%(num)s representative reminded in the bot.",
            "%(num)s representatives reminded in the bot.",
            count("n"),
        )
    messages = {
        "created": N_("Consultation created as a draft: check it, then open it to invite."),
        "closed": N_("Closed. No answer is accepted any more."),
    }
    return i18n.lgettext(here, messages[done]) if done in messages else None


def _error(request: web.Request) -> str | None:
    here = lang(request)
    errors = {
        "too_late": N_("Its closing time has passed; it cannot be opened again."),
        "not_open": N_("Only an open consultation can be reminded."),
    }
    key = request.query.get("error", "")
    return i18n.lgettext(here, errors[key]) if key in errors else None


def _page_number(request: web.Request) -> int:
    value = request.query.get("page", "1")
    return max(1, int(value)) if value.isdigit() and len(value) < 7 else 1


async def _standing(request: web.Request) -> tuple[Standing, dict[str, str]]:
    consultation_id = path_id(request)
    async with sessions(request)() as session:
        found = await consultation_standing(session, consultation_id, lang=lang(request))
        networks = dict(await network_names(session, lang(request)))
    return found, networks


async def _render(request: web.Request, block: str | None) -> web.Response:
    found, networks = await _standing(request)
    here = lang(request)
    query = request.query.get("q", "").strip()[:200]
    question = request.query.get("question", "")
    # htmx asks for one block: the live one shows no free-text answer and no preview
    fragment = block if request.headers.get("HX-Request") == "true" else None
    texts = standing.search(found.texts(here), query, question) if fragment != "live" else []
    pages = max(1, -(-len(texts) // TEXTS_PER_PAGE))
    page = min(_page_number(request), pages)
    shown = texts[(page - 1) * TEXTS_PER_PAGE : page * TEXTS_PER_PAGE]
    chosen = preview_language(request.query.get("preview"), here)
    territories = Locale.parse(here).territories

    def page_link(n: int) -> str:
        values = {"q": query, "question": question, "page": str(n)}
        return "?" + urlencode({k: v for k, v in values.items() if v}) + "#texts"

    yes, no = i18n.lgettext(here, "yes"), i18n.lgettext(here, "no")
    nobody = i18n.lgettext(here, "nobody to remind")
    waiting = [
        (
            w.name,
            territories.get(w.country, w.country) if w.country else "—",
            ", ".join(networks.get(slug, slug) for slug in w.networks),
            yes if w.started else no,
            i18n.lgettext(here, "%(reminded)s of %(people)s", reminded=w.reminded, people=w.people)
            if w.people
            else None,
        )
        for w in found.waiting
    ]
    context: dict[str, Any] = {
        "waiting": waiting,
        "nobody": nobody,
        "s": found,
        "c": found.consultation,
        "title": found.results.title or found.consultation.slug,
        "status_label": lambda s: status_label(str(s), here),
        "networks": networks,
        "country_name": lambda code: territories.get(code, code) if code else "—",
        "notice": _notice(request),
        "error": _error(request),
        "refresh": REFRESH_SECONDS,
        "text_questions": [
            (q.id, localized(q.text, here))
            for q in found.definition.questions
            if q.type == QuestionType.text
        ],
        "query": query,
        "question": question,
        "texts": shown,
        "texts_total": len(texts),
        "page": page,
        "per_page": TEXTS_PER_PAGE,
        "pages": pages,
        "page_link": page_link,
        "preview_lang": chosen,
        "previewed": preview.first_questions(found.definition, chosen) if not fragment else [],
        "bot_languages": BOT_LANGUAGES,
    }
    return await render_page(request, "consultation.html", context, block=block)


@routes.get("/console/consultations/{id}", name="console.consultation")
@requires(Permission.read)
async def consultation_page(request: web.Request) -> web.StreamResponse:
    return await _render(request, None)


@routes.get("/console/consultations/{id}/live", name="console.consultation.live")
@requires(Permission.read)
async def live(request: web.Request) -> web.StreamResponse:
    """The results, the rates and the cities waiting (the block htmx refreshes)."""
    return await _render(request, "live")


@routes.get("/console/consultations/{id}/answers", name="console.consultation.answers")
@requires(Permission.read)
async def answers(request: web.Request) -> web.StreamResponse:
    """The free-text answers matching the search (the block htmx swaps as staff type)."""
    return await _render(request, "texts")


@routes.post("/console/consultations/{id}/remind", name="console.consultation.remind")
@requires(Permission.run_consultations)
async def remind(request: web.Request) -> web.StreamResponse:
    """Remind, in the bot, the representatives of the cities that have not answered."""
    consultation_id = path_id(request)
    config = console_config(request)
    async with sessions(request)() as session:
        try:
            reminded = await invitations.remind_unanswered(
                session,
                consultation_id,
                actor=actor(request),
                default_language=config.default_language,
                default_timezone=config.zone.key,
            )
        except ConsultationError:
            await session.rollback()
            location = f"/console/consultations/{consultation_id}?error=not_open"
            raise web.HTTPSeeOther(location) from None
    raise see_other(f"/console/consultations/{consultation_id}?n={reminded}", "reminded")
