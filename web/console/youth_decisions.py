"""Youth moderation, deciding: approve, reject with a reason, or ask for changes. The same
domain call as the bot's buttons (`engagement.youth.service.decide`: once only, audit-logged),
then the author is told in their language with the bot's own words, over the Bot API."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.youth import rules, service
from storage import staff_queries
from storage.base import utcnow
from storage.people import Person
from storage.youth import SubmissionStatus
from web.console.access import Permission, current_staff, requires
from web.console.i18n import lgettext
from web.console.requests import actor, lang, path_id, see_other, sessions, text
from web.console.youth_media import youth_desk
from web.console.youth_queue import queue_page

routes = web.RouteTableDef()
ACTIONS = {
    "approve": SubmissionStatus.approved,
    "reject": SubmissionStatus.rejected,
    "changes": SubmissionStatus.changes_requested,
}


def reason_problem(status: SubmissionStatus, reason: str, reader: str) -> str | None:
    """Why the reason cannot go to the author, in the staff member's language, or None."""
    if status is SubmissionStatus.approved:
        return None
    problem = rules.check_text(reason, rules.MAX_REASON)
    if problem is rules.TextProblem.empty:
        return lgettext(reader, "Please write the reason: the young person will read it.")
    if problem is rules.TextProblem.too_long:
        return lgettext(
            reader, "Please keep the reason under %(max)s characters.", max=rules.MAX_REASON
        )
    return None


@routes.post("/console/youth/{id}/decision", name="console.youth.decide")
@requires(Permission.moderate_youth)
async def decide(request: web.Request) -> web.StreamResponse:
    submission_id = path_id(request)
    form = await request.post()
    status = ACTIONS.get(text(form, "action", 20))
    reason = text(form, "reason", rules.MAX_REASON * 4).strip()
    reader = lang(request)
    async with sessions(request)() as session:
        submission = await service.get_submission(session, submission_id)
    if submission is None:
        raise web.HTTPNotFound()
    if submission.status is not SubmissionStatus.pending:
        return await _already_decided(request)
    if status is None:
        message = lgettext(reader, "Choose approve, reject or ask for changes.")
        return await queue_page(request, errors={submission_id: message}, status=422)
    if problem := reason_problem(status, reason, reader):
        return await queue_page(
            request, errors={submission_id: problem}, reasons={submission_id: reason}, status=422
        )
    async with sessions(request)() as session:
        staff = await _person_of_staff(request, session)
        decision = await service.decide(
            session,
            submission_id,
            staff,
            status,
            utcnow(),
            reason if status is not SubmissionStatus.approved else None,
            actor=actor(request),
        )
        await session.commit()
        if decision.outcome is service.Outcome.gone:
            raise web.HTTPNotFound()
        if decision.outcome is service.Outcome.already_decided:  # by someone a moment ago
            return await _already_decided(request)
        assert decision.submission is not None
        desk = youth_desk(request)
        if desk is None:
            raise see_other("/console/youth", "untold")
        await desk.tell_author(session, decision.author, decision.submission)
    raise see_other("/console/youth", status.value)


async def _already_decided(request: web.Request) -> web.Response:
    message = lgettext(lang(request), "Someone already decided this idea: nothing changed.")
    return await queue_page(request, problem=message, status=409)


async def _person_of_staff(request: web.Request, session: AsyncSession) -> Person | None:
    """The Telegram person of the signed-in staff member, when they linked one (the idea's
    `decided_by`); the audit log names the staff member either way."""
    staff = current_staff(request)
    member = await staff_queries.staff_by_id(session, staff.id) if staff else None
    if member is None or member.person_id is None:
        return None
    return await session.get(Person, member.person_id)
