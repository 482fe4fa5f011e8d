"""The POST of a consultation's answer page: `action` = save | skip | submit | change, checked
with the bot's rules and words; a refused answer, a conflicting save (optimistic locking) or
a closed consultation gives the page back with what was typed kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from engagement.consultations import answering, flow
from engagement.consultations.errors import AnswersChanged, InvalidAnswer, Refusal, ResponseRefused
from engagement.consultations.messages import explain_refusal
from engagement.consultations.response_access import definition_of
from engagement.consultations.schema import localized
from storage import consultations_queries as q
from web.public.answer_open import Opened, open_link, problem_page, refused_page
from web.public.answer_pages import LANGUAGES, form_values, kept_values, read_seen
from web.public.answer_site import SITE, form_str
from web.public.answer_view import render_view


@dataclass
class Posted:
    """What the form sent: the action, the answers given, the version they were made from."""

    action: str
    given: dict[str, Any]
    seen: answering.Seen | None
    question: str


def _read_form(form: MultiDictProxy[Any], opened: Opened) -> Posted:
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
    return Posted(str(form.get("action", "save")), given, seen, form_str(form.get("q")))


async def save(request: web.Request) -> web.Response:
    opened = await open_link(request)
    form = await request.post()
    if isinstance(opened, web.Response):
        if opened.status == 409:  # closed while the person was typing: show what they sent
            return await _closed_with_kept(request, form, opened)
        return opened
    posted = _read_form(form, opened)
    definition = opened.view.definition
    try:
        refused = await _apply(request, opened, posted)
    except AnswersChanged as conflict:
        fresh = await open_link(request)
        if isinstance(fresh, web.Response):
            return fresh
        return render_view(
            request,
            fresh,
            given=kept_values(definition, posted.given),
            changed=conflict.changed,
            status=409,
            focus=posted.question or None,
        )
    except InvalidAnswer as error:  # submit with a required question unanswered
        question_ids = error.params.get("question_ids") or []
        first = question_ids[0] if question_ids else None
        errors = {qid: error for qid in question_ids[:1]}
        return render_view(request, opened, refused=errors, status=422, focus=first)
    except ResponseRefused as refused_now:
        if refused_now.reason == Refusal.already_submitted:
            raise web.HTTPSeeOther(request.path) from None
        kept = _kept_lines(definition, posted.given, opened.lang)
        slug = opened.consultation.slug
        return refused_page(request, opened.lang, refused_now.reason, slug, kept)
    if refused is not None:
        return refused
    raise web.HTTPSeeOther(request.path_qs.split("?")[0] + _keep_lang(request))


async def _apply(request: web.Request, opened: Opened, posted: Posted) -> web.Response | None:
    """Does what the form asked; the page again when an answer is refused, else None."""
    pid = opened.link.person_id
    target = opened.view.response_id
    seen = posted.seen
    async with request.app[SITE].sessions() as session:
        if posted.action == "submit":
            await answering.submit(session, target, person_id=pid, channel="web", seen=seen)
        elif posted.action == "change":
            await answering.reopen(session, target, person_id=pid, at_review=True)
        elif posted.action == "skip" and posted.question:
            await answering.skip(
                session,
                target,
                posted.question,
                person_id=pid,
                review_when_complete=True,
                channel="web",
                seen=seen,
            )
        else:
            done = await answering.answer_many(
                session, target, posted.given, person_id=pid, channel="web", seen=seen
            )
            if done.refused:
                opened.view = done.view
                return render_view(
                    request,
                    opened,
                    given=kept_values(opened.view.definition, posted.given),
                    refused=done.refused,
                    status=422,
                    focus=next(iter(done.refused)),
                )
    return None


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
    return problem_page(
        request, lang, explain_refusal(Refusal.closed, lang), 409, slug=slug, kept=kept
    )
