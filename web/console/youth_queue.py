"""Youth moderation, what moderators read: the ideas waiting (each with its photo or voice
note, the author's age bracket and whether a parent or guardian agreed), and the approved
ideas with where they were published. Young people's data: `moderate_youth` only (editors and
viewers get 403). Deciding is in `youth_decisions`, the media in `youth_media`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from engagement.cafes.messages import language_name
from engagement.youth import publication, rules, service
from storage.youth import AgeBracket, SubmissionStatus, Theme
from web.console.access import Permission, requires
from web.console.navigation import N_
from web.console.requests import lang, notice, render_page, sessions
from web.console.youth_media import youth_desk

routes = web.RouteTableDef()
NOTICES = {
    SubmissionStatus.approved.value: N_("Approved: the author was told."),
    SubmissionStatus.rejected.value: N_("Rejected: the author was told why."),
    SubmissionStatus.changes_requested.value: N_("Changes asked for: the author was told."),
    "untold": N_("Decided, but the bot is not configured: the author was not told."),
}
THEMES = {
    Theme.participation: N_("Participation"),
    Theme.inclusion: N_("Inclusion"),
    Theme.sustainability: N_("Sustainability"),
    Theme.culture: N_("Culture"),
    Theme.city_and_childhood: N_("City and childhood"),
    Theme.other: N_("Something else"),
}
AGES = {
    AgeBracket.under_16: N_("Under 16"),
    AgeBracket.from_16_to_17: N_("16 or 17"),
    AgeBracket.adult: N_("18 or older"),
}


def language_of(code: str, reader: str) -> str | None:
    """A language's name in the reader's language; None when undetermined."""
    return None if code in ("", "und") else language_name(code, reader)


async def queue_page(
    request: web.Request,
    *,
    errors: Mapping[int, str] | None = None,
    reasons: Mapping[int, str] | None = None,
    problem: str | None = None,
    status: int = 200,
) -> web.Response:
    """The waiting ideas; `errors` and `reasons` by idea id show a refused form again."""
    async with sessions(request)() as session:
        waiting = await service.waiting_ideas(session)
    context: dict[str, Any] = {
        "tab": "waiting",
        "waiting": waiting,
        "themes": THEMES,
        "ages": AGES,
        "under_16": AgeBracket.under_16,
        "language_of": lambda code: language_of(code, lang(request)),
        "signature": rules.signature,
        "max_reason": rules.MAX_REASON,
        "can_tell": youth_desk(request) is not None,
        "errors": errors or {},
        "reasons": reasons or {},
        "problem": problem,
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "youth.html", context, status=status)


@routes.get("/console/youth", name="console.youth")
@requires(Permission.moderate_youth)
async def youth_queue(request: web.Request) -> web.StreamResponse:
    return await queue_page(request)


@routes.get("/console/youth/published", name="console.youth.published")
@requires(Permission.moderate_youth)
async def youth_published(request: web.Request) -> web.StreamResponse:
    async with sessions(request)() as session:
        approved = await publication.approved_ideas(session)
    context: dict[str, Any] = {
        "tab": "published",
        "approved": approved,
        "themes": THEMES,
        "language_of": lambda code: language_of(code, lang(request)),
    }
    return await render_page(request, "youth_published.html", context)
