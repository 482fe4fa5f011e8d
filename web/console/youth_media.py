"""A youth idea's photo or voice note, for moderators only.

Telegram holds the file; the first moderator who opens it makes the console fetch it through
our bot (getFile, then the file URL) into the private media folder, and every later view reads
the copy. Young people's data: only `moderate_youth` sees it (an editor or viewer gets 403),
and no cache on the way may keep it (`Cache-Control: private, no-store`)."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.youth import service
from engagement.youth.media import MediaShelf, MediaUnavailable, media_type
from storage.people import Person
from storage.youth import YouthSubmission
from web.console.access import Permission, requires
from web.console.i18n import lgettext
from web.console.requests import lang, path_id, sessions

routes = web.RouteTableDef()


class YouthDesk(Protocol):
    """What the console asks Telegram (bot.youth_desk implements it; tests may fake it)."""

    async def download(self, file_id: str) -> bytes:
        """The file's bytes; raises MediaUnavailable."""

    async def tell_author(
        self, session: AsyncSession, author: Person | None, submission: YouthSubmission
    ) -> None:
        """The decision, in the author's language, as the bot words it; never raises."""


# set by the composition root; without them media cannot be shown and authors are not told
YOUTH_DESK = web.AppKey[YouthDesk]("console_youth_desk")
YOUTH_MEDIA = web.AppKey("console_youth_media", MediaShelf)
PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def youth_desk(request: web.Request) -> YouthDesk | None:
    return request.app.get(YOUTH_DESK)


def media_shelf(request: web.Request) -> MediaShelf | None:
    return request.app.get(YOUTH_MEDIA)


@routes.get("/console/youth/{id}/media", name="console.youth.media")
@requires(Permission.moderate_youth)
async def youth_media(request: web.Request) -> web.StreamResponse:
    submission_id = path_id(request)
    async with sessions(request)() as session:
        submission = await service.get_submission(session, submission_id)
    if submission is None or not submission.media_file_id:
        raise web.HTTPNotFound()
    desk, shelf = youth_desk(request), media_shelf(request)
    try:
        if desk is None or shelf is None:
            raise MediaUnavailable("the bot is not configured")
        data = await shelf.fetch(submission, desk.download)
    except MediaUnavailable:
        message = lgettext(lang(request), "Telegram did not give this file. Try again later.")
        return web.Response(text=message, status=502, headers=PRIVATE)
    return web.Response(
        body=data,
        content_type=media_type(submission.media_kind, data),
        headers=PRIVATE | {"Content-Disposition": "inline"},
    )
