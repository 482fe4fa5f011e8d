"""What a consultation's answer page shows: the response as submitted, the review before
submitting, every question (`web_layout: single`) or the current one (`steps`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from engagement.consultations import flow
from engagement.consultations.errors import InvalidAnswer
from engagement.consultations.schema import WebLayout, localized
from engagement.consultations.web_links import answer_path
from i18n.times import local_time
from web.public.answer_open import Opened
from web.public.answer_pages import build_field, render, seen_json
from web.public.answer_site import html_page


def render_view(
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
    single = view.definition.web_layout == WebLayout.single
    common = _common(request, opened, changed)
    errors = refused or {}
    if view.submitted:
        items = view.review(lang)
        return html_page(render("answers/submitted.html.j2", lang, items=items, **common), lang)
    wanted = focus or request.query.get("q")
    editing = single and (request.query.get("edit") == "1" or bool(errors) or given is not None)
    if view.current is None and not wanted and not editing:
        missing = bool(flow.missing_required(view.definition, view.answers))
        return _review(opened, common, status, missing=missing, single=single)
    if single:
        return _single(opened, common, status, given, errors)
    return _step(opened, common, status, wanted, given, errors)


def _common(request: web.Request, opened: Opened, changed: list[str] | None) -> dict[str, Any]:
    """What every page of the response shows, whatever its state."""
    view, lang = opened.view, opened.lang
    definition = view.definition
    return {
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


def _review(
    opened: Opened, common: dict[str, Any], status: int, *, missing: bool, single: bool
) -> web.Response:
    lang = opened.lang
    body = render(
        "answers/review.html.j2",
        lang,
        items=opened.view.review(lang),
        missing=missing,
        single=single,
        **common,
    )
    return html_page(body, lang, status)


def _single(
    opened: Opened,
    common: dict[str, Any],
    status: int,
    given: Mapping[str, Any] | None,
    errors: Mapping[str, InvalidAnswer],
) -> web.Response:
    view, lang = opened.view, opened.lang
    definition = view.definition
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


def _step(
    opened: Opened,
    common: dict[str, Any],
    status: int,
    wanted: str | None,
    given: Mapping[str, Any] | None,
    errors: Mapping[str, InvalidAnswer],
) -> web.Response:
    view, lang = opened.view, opened.lang
    definition = view.definition
    question = definition.question(wanted) if wanted else view.current
    if question is None or not flow.is_visible(definition, question, view.answers):
        question = view.current or flow.next_question(definition, view.answers)
    if question is None:
        return _review(opened, common, status, missing=False, single=False)
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
