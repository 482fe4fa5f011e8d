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
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDictProxy

from engagement.consultations import answering, flow
from engagement.consultations.errors import AnswersChanged, InvalidAnswer, Refusal, ResponseRefused
from engagement.consultations.messages import explain_refusal
from engagement.consultations.response_access import ResponseView, definition_of, start_or_resume
from engagement.consultations.schema import WebLayout, localized
from engagement.consultations.web_links import (
    AnswerLink,
    LinkProblem,
    answer_path,
    read_token,
)
from i18n.times import local_time
from storage import consultations_queries as q
from storage.consultations import Consultation
from storage.errors import NotFound
from storage.people import Person
from web.public.answer_pages import (
    LANGUAGES,
    build_field,
    form_values,
    kept_values,
    read_seen,
    render,
    seen_json,
    text,
)
from web.public.answer_sign_in import sign_in
from web.public.answer_site import SITE, AnswerSite, form_str, html_page, reader_lang

log = logging.getLogger(__name__)
SCRIPT = Path(__file__).resolve().parent / "static" / "consultation-answers.js"
_ = text  # marks the messages of this module for the `web_answers` catalog


def setup_consultation_answers(app: web.Application, site: AnswerSite) -> None:
    app[SITE] = site
    app.router.add_get("/consultations/{slug}/answer/{token}", show)
    app.router.add_post("/consultations/{slug}/answer/{token}", save)
    app.router.add_post("/consultations/{slug}/sign-in", sign_in)
    app.router.add_get("/static/consultation-answers.js", script)


def _problem(
    request: web.Request,
    lang: str,
    sentence: str,
    status: int,
    *,
    slug: str | None = None,
    kept: list[tuple[str, str]] | None = None,
) -> web.Response:
    body = render(
        "answers/problem.html.j2",
        lang,
        sentence=sentence,
        slug=slug,
        kept=kept or [],
        title=text("Consultation", lang),
    )
    return html_page(body, lang, status)


@dataclass
class Opened:
    """A checked link: the consultation, its response (created if need be), the reader."""

    link: AnswerLink
    consultation: Consultation
    view: ResponseView
    lang: str
    city: str | None
    token: str
    zone: ZoneInfo


async def _open(request: web.Request) -> Opened | web.Response:
    site = request.app[SITE]
    slug, token = request.match_info["slug"], request.match_info["token"]
    now = site.clock()
    read = read_token(token, site.key, valid_for=site.link_validity, now=now)
    lang = reader_lang(request)
    if read == LinkProblem.expired:
        sentence = _(
            "This link has expired. Ask for a new one below: it is sent to your address at once.",
            lang,
        )
        return _problem(request, lang, sentence, 410, slug=slug)
    if isinstance(read, LinkProblem):
        sentence = _(
            "This link is not valid: it may be cut or mistyped. Copy the whole link from the "
            "email, or ask for a new one below.",
            lang,
        )
        return _problem(request, lang, sentence, 403, slug=slug)
    async with site.sessions() as session:
        consultation = await q.consultation_by_slug(session, slug)
        try:
            person: Person | None = await q.person_with_roles(session, read.person_id)
        except NotFound:
            person = None
        lang = reader_lang(request, person.language if person else None)
        if consultation is None or consultation.id != read.consultation_id or person is None:
            sentence = _("This link is not for this consultation. Ask for a new one below.", lang)
            return _problem(request, lang, sentence, 403, slug=slug)
        try:
            view = await start_or_resume(
                session,
                consultation.id,
                person.id,
                language=lang,
                city_id=read.city_id,
                now=now,
            )
        except ResponseRefused as refused:
            return _refused(request, lang, refused.reason, slug)
        city = await q.city_name(session, view.city_id) if read.city_id is not None else None
    zone = ZoneInfo(person.timezone or site.timezone)
    return Opened(read, consultation, view, lang, city, token, zone)


def _refused(
    request: web.Request,
    lang: str,
    reason: Refusal,
    slug: str,
    kept: list[tuple[str, str]] | None = None,
) -> web.Response:
    if reason in (Refusal.not_eligible, Refusal.no_city):
        sentence = _(
            "This link is for a city you do not represent (any more) in this consultation. "
            "Ask for a new link below with your own address.",
            lang,
        )
        return _problem(request, lang, sentence, 403, slug=slug, kept=kept)
    status = 409 if reason == Refusal.closed else 403
    return _problem(request, lang, explain_refusal(reason, lang), status, slug=slug, kept=kept)


async def show(request: web.Request) -> web.Response:
    opened = await _open(request)
    if isinstance(opened, web.Response):
        return opened
    return _render_view(request, opened)


def _render_view(
    request: web.Request,
    opened: Opened,
    *,
    given: Mapping[str, Any] | None = None,
    refused: Mapping[str, InvalidAnswer] | None = None,
    changed: list[str] | None = None,
    status: int = 200,
    focus: str | None = None,
) -> web.Response:
    view, lang = opened.view, opened.lang
    definition = view.definition
    single = definition.web_layout == WebLayout.single
    common: dict[str, Any] = {
        "title": localized(definition.title, lang),
        "city": opened.city,
        "action": answer_path(opened.consultation.slug, opened.token),
        "version": view.version,
        "seen": seen_json(view.answers),
        "changed": [
            localized(q.text, lang)
            for q in definition.questions
            if changed is not None and q.id in changed
        ],
        "conflict": changed is not None,
        "closes": local_time(opened.consultation.closes_at, opened.zone, lang),
        "lang_query": f"?lang={lang}" if request.query.get("lang") else "",
    }
    errors = refused or {}
    if view.submitted:
        items = view.review(lang)
        return html_page(render("answers/submitted.html.j2", lang, items=items, **common), lang)
    wanted = focus or request.query.get("q")
    editing = single and (request.query.get("edit") == "1" or bool(errors) or given is not None)
    if view.current is None and not wanted and not editing:
        items = view.review(lang)
        missing = flow.missing_required(definition, view.answers)
        body = render(
            "answers/review.html.j2",
            lang,
            items=items,
            missing=bool(missing),
            single=single,
            **common,
        )
        return html_page(body, lang, status)
    if single:
        fields = [
            build_field(definition, q, view.answers, lang, given=given, error=errors.get(q.id))
            for q in definition.questions
        ]
        body = render(
            "answers/single.html.j2",
            lang,
            fields=fields,
            errors=[f for f in fields if f.error],
            shown=" ".join(f.id for f in fields if f.visible),
            **common,
        )
        return html_page(body, lang, status)
    question = definition.question(wanted) if wanted else view.current
    if question is None or not flow.is_visible(definition, question, view.answers):
        question = view.current or flow.next_question(definition, view.answers)
    if question is None:
        return html_page(
            render(
                "answers/review.html.j2",
                lang,
                items=view.review(lang),
                missing=False,
                single=False,
                **common,
            ),
            lang,
            status,
        )
    one = build_field(
        definition, question, view.answers, lang, given=given, error=errors.get(question.id)
    )
    progress = flow.progress(definition, view.answers, question.id)
    before = flow.question_before(definition, view.answers, question.id)
    body = render(
        "answers/question.html.j2",
        lang,
        field=one,
        errors=[one] if one.error else [],
        progress=progress,
        back=before.id if before else None,
        **common,
    )
    return html_page(body, lang, status)


async def save(request: web.Request) -> web.Response:
    opened = await _open(request)
    form = await request.post()
    if isinstance(opened, web.Response):
        if opened.status == 409:  # closed while the person was typing: show what they sent
            return await _closed_with_kept(request, form, opened)
        return opened
    action = str(form.get("action", "save"))
    definition = opened.view.definition
    seen_answers = read_seen(form_str(form.get("seen")))
    version = _int(form.get("version"))
    seen = (
        answering.Seen(version, seen_answers)
        if version is not None and seen_answers is not None
        else None
    )
    given = form_values(definition, _lists(form))
    shown = set(form_str(form.get("shown")).split()) if "shown" in form else None
    if shown is not None:
        given = {qid: v for qid, v in given.items() if qid in shown}
    site = request.app[SITE]
    pid = opened.link.person_id
    try:
        async with site.sessions() as session:
            target = opened.view.response_id
            if action == "submit":
                await answering.submit(session, target, person_id=pid, channel="web", seen=seen)
            elif action == "change":
                await answering.reopen(session, target, person_id=pid, at_review=True)
            elif action == "skip" and (qid := form_str(form.get("q"))):
                await answering.skip(
                    session,
                    target,
                    qid,
                    person_id=pid,
                    review_when_complete=True,
                    channel="web",
                    seen=seen,
                )
            else:
                done = await answering.answer_many(
                    session, target, given, person_id=pid, channel="web", seen=seen
                )
                if done.refused:
                    opened.view = done.view
                    return _render_view(
                        request,
                        opened,
                        given=kept_values(definition, given),
                        refused=done.refused,
                        status=422,
                        focus=next(iter(done.refused)),
                    )
    except AnswersChanged as conflict:
        fresh = await _open(request)
        if isinstance(fresh, web.Response):
            return fresh
        return _render_view(
            request,
            fresh,
            given=kept_values(definition, given),
            changed=conflict.changed,
            status=409,
            focus=form_str(form.get("q")) or None,
        )
    except InvalidAnswer as error:  # submit with a required question unanswered
        question_ids = error.params.get("question_ids") or []
        refused = {qid: error for qid in question_ids[:1]}
        first = question_ids[0] if question_ids else None
        return _render_view(request, opened, refused=refused, status=422, focus=first)
    except ResponseRefused as refused_now:
        if refused_now.reason == Refusal.already_submitted:
            raise web.HTTPSeeOther(request.path) from None
        return _refused(
            request,
            opened.lang,
            refused_now.reason,
            opened.consultation.slug,
            _kept_lines(definition, given, opened.lang),
        )
    raise web.HTTPSeeOther(request.path_qs.split("?")[0] + _keep_lang(request))


def _keep_lang(request: web.Request) -> str:
    lang = request.query.get("lang")
    return f"?lang={lang}" if lang in LANGUAGES else ""


def _int(value: object) -> int | None:
    try:
        return int(form_str(value))
    except ValueError:
        return None


def _lists(form: MultiDictProxy[Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in form.items():
        if isinstance(value, str):
            found.setdefault(key, []).append(value)
    return found


def _kept_lines(definition: Any, given: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """What the person sent and could not be saved, as `question: answer` lines to copy."""
    lines = []
    for question in definition.questions:
        if question.id in given and given[question.id] not in (None, "", []):
            value = given[question.id]
            shown = flow.answer_text(question, value, lang) if question.is_choice else str(value)
            lines.append((localized(question.text, lang), shown))
    return lines


async def _closed_with_kept(
    request: web.Request, form: MultiDictProxy[Any], refused: web.Response
) -> web.Response:
    """The consultation closed while the person was answering: say so, and give back what
    they had typed (it is not counted, but they do not lose it)."""
    lang = refused.headers.get("Content-Language", "en")
    slug = request.match_info["slug"]
    async with request.app[SITE].sessions() as session:
        consultation = await q.consultation_by_slug(session, slug)
    if consultation is None:
        return refused
    definition = definition_of(consultation)
    kept = _kept_lines(definition, form_values(definition, _lists(form)), lang)
    return _problem(request, lang, explain_refusal(Refusal.closed, lang), 409, slug=slug, kept=kept)


async def script(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(SCRIPT)
    response.content_type = "text/javascript"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
