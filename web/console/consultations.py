"""Consultations: the list with their status; create one from a YAML file or the editor, checked
as staff type (the problems the CLI and the bot report, with their paths, in the staff member's
language) with a preview of the first questions as the bot shows them; open and close (the
domain calls of `aive consultations open|close` and the bot's staff buttons)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from engagement.consultations import invitations, lifecycle, preview
from engagement.consultations.errors import ConsultationError, DefinitionError
from engagement.consultations.schema import Definition
from engagement.problem_lines import problem_lines
from i18n.languages import LANGUAGES as BOT_LANGUAGES
from storage import consultations_queries as q
from storage.base import utcnow
from storage.consultations import ConsultationStatus, InvitationKind
from web.console import i18n
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.requests import (
    Form,
    actor,
    lang,
    path_id,
    render_page,
    see_other,
    sessions,
    text,
)
from web.public.answer_mail import email_links

routes = web.RouteTableDef()
MAX_YAML_BYTES = 256 * 1024  # as the bot accepts
LIST_LIMIT = 200


def status_label(status: str, lang: str) -> str:
    labels = {
        "draft": i18n.lgettext(lang, "draft"),
        "open": i18n.lgettext(lang, "open"),
        "closed": i18n.lgettext(lang, "closed"),
    }
    return labels.get(status, status)


def preview_language(value: object, fallback: str) -> str:
    return value if isinstance(value, str) and value in BOT_LANGUAGES else fallback


async def checked(
    request: web.Request, source: str, preview_lang: str
) -> tuple[Definition | None, list[str], list[preview.QuestionPreview]]:
    """The definition (or None), its problems in the staff member's language, and the preview
    of its first questions in `preview_lang`."""
    if not source.strip():
        return None, [], []
    async with sessions(request)() as session:
        try:
            definition = await lifecycle.check_source(session, source, now=utcnow(), new_slug=True)
        except DefinitionError as exc:
            return None, problem_lines(exc.problems, lang(request)), []
    return definition, [], preview.first_questions(definition, preview_lang)


async def _page(
    request: web.Request,
    *,
    form: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    previewed: list[preview.QuestionPreview] | None = None,
    definition: Definition | None = None,
    upload_error: str | None = None,
    status: int = 200,
    block: str | None = None,
) -> web.Response:
    async with sessions(request)() as session:
        lines = await q.consultation_lines(session, limit=LIST_LIMIT)
    here = lang(request)
    return await render_page(
        request,
        "consultations.html",
        {
            "lines": lines,
            "status_label": lambda s: status_label(str(s), here),
            "title_of": lambda titles, slug: _title(titles, here, slug),
            "form": form or {"preview_lang": here},
            "problems": problems,
            "previewed": previewed or [],
            "definition": definition,
            "upload_error": upload_error,
            "bot_languages": BOT_LANGUAGES,
        },
        block=block,
        status=status,
    )


def _title(titles: dict[str, str], lang: str, fallback: str) -> str:
    return titles.get(lang) or titles.get("en") or next(iter(titles.values()), fallback)


@routes.get("/console/consultations", name="console.consultations")
@requires(Permission.read)
async def consultations_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


def _source(form: Form, here: str) -> tuple[str, str | None]:
    """The YAML: the file chosen, else the editor's text; or why the file cannot be read."""
    upload = form.get("file")
    if isinstance(upload, web.FileField) and upload.filename:
        data = upload.file.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            return "", i18n.lgettext(here, "File: it is larger than 256 KB.")
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError:
            return "", i18n.lgettext(here, "File: it must be YAML text in UTF-8.")
    return text(form, "yaml", MAX_YAML_BYTES), None


@routes.post("/console/consultations/check", name="console.consultations.check")
@requires(Permission.run_consultations)
async def check(request: web.Request) -> web.StreamResponse:
    """The editor's text checked as staff type (htmx posts it after a pause): the problems,
    or the preview."""
    form = await request.post()
    source = text(form, "yaml", MAX_YAML_BYTES)
    chosen = preview_language(form.get("preview_lang"), lang(request))
    definition, problems, previewed = await checked(request, source, chosen)
    values = {"yaml": source, "preview_lang": chosen, "checked": bool(source.strip())}
    return await _page(
        request,
        form=values,
        problems=problems,
        previewed=previewed,
        definition=definition,
        block="check",
    )


@routes.post("/console/consultations", name="console.consultations.create")
@requires(Permission.run_consultations)
async def create(request: web.Request) -> web.StreamResponse:
    """Create a draft from the file or the editor; `action=check` only checks (the editor's
    button without JavaScript)."""
    form = await request.post()
    here = lang(request)
    source, upload_error = _source(form, here)
    chosen = preview_language(form.get("preview_lang"), here)
    values = {"yaml": source, "preview_lang": chosen, "checked": True}
    if upload_error:
        return await _page(request, form=values, upload_error=upload_error, status=422)
    if not source.strip():
        missing = i18n.lgettext(here, "Write the consultation in the editor or choose its file.")
        return await _page(request, form=values, upload_error=missing, status=422)
    definition, problems, previewed = await checked(request, source, chosen)
    if problems or definition is None:
        return await _page(request, form=values, problems=problems, status=422)
    if text(form, "action", 16) == "check":
        return await _page(request, form=values, previewed=previewed, definition=definition)
    async with sessions(request)() as session:
        try:
            created = await lifecycle.create_consultation(
                session, source, actor=actor(request), now=utcnow()
            )
        except DefinitionError as exc:  # e.g. the same slug created meanwhile
            found = problem_lines(exc.problems, here)
            return await _page(request, form=values, problems=found, status=422)
    raise see_other(f"/console/consultations/{created.id}", "created")


@routes.post("/console/consultations/{id}/open", name="console.consultations.open")
@requires(Permission.run_consultations)
async def open_(request: web.Request) -> web.StreamResponse:
    """Open, and invite the audience in the bot and by email (as `aive consultations open`)."""
    return await _set_status(request, opening=True)


@routes.post("/console/consultations/{id}/close", name="console.consultations.close")
@requires(Permission.run_consultations)
async def close(request: web.Request) -> web.StreamResponse:
    """Close: no answer is accepted any more."""
    return await _set_status(request, opening=False)


async def _set_status(request: web.Request, *, opening: bool) -> web.StreamResponse:
    consultation_id = path_id(request)
    config = console_config(request)
    status = ConsultationStatus.open if opening else ConsultationStatus.closed
    async with sessions(request)() as session:
        try:
            await lifecycle.set_status(session, consultation_id, status, actor=actor(request))
        except ConsultationError:
            await session.rollback()
            location = f"/console/consultations/{consultation_id}?error=too_late"
            raise web.HTTPSeeOther(location) from None
        if not opening:
            raise see_other(f"/console/consultations/{consultation_id}", "closed")
        before = await q.invited_person_ids(session, consultation_id, InvitationKind.invite)
        invited = await invitations.invite_audience(
            session,
            consultation_id,
            default_language=config.default_language,
            default_timezone=config.zone.key,
            created_by=actor(request),
        )
        await session.commit()
        emailed = await email_links(
            session,
            consultation_id,
            InvitationKind.invite,
            mailer=config.mailer,
            key=config.signing_key,
            public_url=config.public_url,
            default_language=config.default_language,
            exclude=before,
            timezone=config.zone.key,
        )
    location = f"/console/consultations/{consultation_id}?invited={invited}&emailed={emailed}"
    raise see_other(location, "opened")
