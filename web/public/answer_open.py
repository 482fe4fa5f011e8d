"""Opening a consultation's answer link: the signed token checked, the consultation and the
representative found, their response started or resumed; or the page that says why not."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from engagement.consultations.errors import Refusal, ResponseRefused
from engagement.consultations.messages import explain_refusal
from engagement.consultations.response_access import ResponseView, start_or_resume
from engagement.consultations.web_links import AnswerLink, LinkProblem, read_token
from storage import consultations_queries as q
from storage.consultations import Consultation
from storage.errors import NotFound
from storage.people import Person
from web.public.answer_pages import render, text
from web.public.answer_site import SITE, html_page, reader_lang

_ = text  # marks the messages of this module for the `web_answers` catalog


def problem_page(
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


def _link_problem(request: web.Request, problem: LinkProblem, lang: str, slug: str) -> web.Response:
    if problem == LinkProblem.expired:
        sentence = _(
            "This link has expired. Ask for a new one below: it is sent to your address at once.",
            lang,
        )
        return problem_page(request, lang, sentence, 410, slug=slug)
    sentence = _(
        "This link is not valid: it may be cut or mistyped. Copy the whole link from the "
        "email, or ask for a new one below.",
        lang,
    )
    return problem_page(request, lang, sentence, 403, slug=slug)


async def open_link(request: web.Request) -> Opened | web.Response:
    site = request.app[SITE]
    slug, token = request.match_info["slug"], request.match_info["token"]
    now = site.clock()
    read = read_token(token, site.key, valid_for=site.link_validity, now=now)
    lang = reader_lang(request)
    if isinstance(read, LinkProblem):
        return _link_problem(request, read, lang, slug)
    async with site.sessions() as session:
        consultation = await q.consultation_by_slug(session, slug)
        try:
            person: Person | None = await q.person_with_roles(session, read.person_id)
        except NotFound:
            person = None
        lang = reader_lang(request, person.language if person else None)
        if consultation is None or consultation.id != read.consultation_id or person is None:
            sentence = _("This link is not for this consultation. Ask for a new one below.", lang)
            return problem_page(request, lang, sentence, 403, slug=slug)
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
            return refused_page(request, lang, refused.reason, slug)
        city = await q.city_name(session, view.city_id) if read.city_id is not None else None
    zone = ZoneInfo(person.timezone or site.timezone)
    return Opened(read, consultation, view, lang, city, token, zone)


def refused_page(
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
        return problem_page(request, lang, sentence, 403, slug=slug, kept=kept)
    status = 409 if reason == Refusal.closed else 403
    return problem_page(request, lang, explain_refusal(reason, lang), status, slug=slug, kept=kept)
