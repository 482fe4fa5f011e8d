"""The declaration editor: the text read on the Day, per language. Saving keeps every earlier
version (campaigns.declaration); an editor opened on an older version is told that someone saved
since, with their text kept in the form, instead of overwriting it silently."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from campaigns import declaration, service
from campaigns.errors import CampaignError
from i18n.languages import LANGUAGES
from storage import staff_queries
from web.console import i18n
from web.console.access import Permission, requires
from web.console.campaign import YEAR, can_run, load_campaign, path_year
from web.console.navigation import N_
from web.console.requests import actor, lang, notice, render_page, see_other, sessions, text

routes = web.RouteTableDef()
PATH = f"/console/campaign/{YEAR}/declaration"
NOTICES = {
    "saved": N_("Declaration saved as a new version; the earlier ones are kept below."),
    "unchanged": N_("Nothing to save: this is the text in use already."),
}
# domain refusals → the field's sentence in the staff member's language
REFUSALS: dict[type[CampaignError], str] = {
    declaration.EmptyDeclaration: N_("Text: please write the declaration."),
    declaration.DeclarationTooLong: N_("Text: at most %(limit)s characters."),
}


def _language(request: web.Request) -> str:
    """The language edited (`?lang=` or the form's); 404 for one we do not write in."""
    wanted = request.query.get("lang", "en")
    if wanted not in LANGUAGES:
        raise web.HTTPNotFound()
    return wanted


async def declaration_page(
    request: web.Request,
    edited: str,
    *,
    draft: str | None = None,
    based_on: int | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    year = path_year(request)
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
        found = await declaration.versions(session, campaign, edited)
        names = {
            f"staff:{m.id}": m.name or m.email or ""
            for m in await staff_queries.list_staff(session)
        }
    current = declaration.current_number(found)
    taken = _taken_up(request, found)
    context: dict[str, Any] = {
        "campaign": campaign,
        "edited": edited,
        "versions": found,
        "current": current,
        "based_on": current if based_on is None else based_on,
        "draft": draft if draft is not None else (taken or (found[0].text if found else "")),
        "taken": taken is not None and draft is None,
        "names": names,
        "can_run": can_run(request),
        "limit": declaration.MAX_LENGTH,
        "errors": errors or {},
        "notice": notice(request, NOTICES),
    }
    return await render_page(request, "declaration.html", context, status=status)


def _taken_up(request: web.Request, found: list[declaration.Version]) -> str | None:
    """An earlier version's text, when staff asked to take it up again (`?from=<number>`)."""
    number = request.query.get("from", "")
    return next((v.text for v in found if str(v.number) == number), None)


@routes.get(PATH, name="console.declaration")
@requires(Permission.read)
async def show(request: web.Request) -> web.StreamResponse:
    return await declaration_page(request, _language(request))


@routes.post(PATH, name="console.declaration.save")
@requires(Permission.run_campaigns)
async def save(request: web.Request) -> web.StreamResponse:
    """A new version of the declaration in one language (as `aive campaign declaration`)."""
    year = path_year(request)
    form = await request.post()
    edited = text(form, "lang", 8)
    if edited not in LANGUAGES:
        raise web.HTTPNotFound()
    draft = text(form, "text", declaration.MAX_LENGTH * 2)
    based_on = text(form, "version", 12)
    expected = int(based_on) if based_on.isdigit() else None
    async with sessions(request)() as session:
        campaign = await load_campaign(session, year)
        before = campaign.declaration.get(edited)
        try:
            await service.set_declaration(
                session, year, edited, draft, actor=actor(request), expected=expected
            )
        except declaration.DeclarationChanged as exc:
            changed = i18n.lgettext(
                lang(request),
                "Someone saved version %(current)s while you were editing version %(yours)s. "
                "Your text is still in the form: compare it with the version in use below, "
                "then save again.",
                current=exc.current,
                yours=expected,
            )
            return await declaration_page(
                request,
                edited,
                draft=draft,
                based_on=exc.current,
                errors={"text": changed},
                status=409,
            )
        except CampaignError as exc:
            message = REFUSALS.get(type(exc))
            error = (
                i18n.lgettext(
                    lang(request), message, limit=i18n.number(declaration.MAX_LENGTH, lang(request))
                )
                if message
                else i18n.English(exc)
            )
            return await declaration_page(
                request, edited, draft=draft, based_on=expected, errors={"text": error}, status=422
            )
        after = campaign.declaration.get(edited)
    done = "unchanged" if after == before else "saved"
    raise see_other(f"/console/campaign/{year}/declaration?lang={edited}", done)
