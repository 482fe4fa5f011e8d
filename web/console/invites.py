"""Inviting a city's representative from the console: the invite link (engagement.invites,
as `/invite` in the bot and `aive cities invite`), emailed when an address is given, in the
language the invitee chose (the same email as the command line's)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from engagement.invites import create_invite, email_invitation, invite_link
from i18n.languages import LANGUAGES
from newsletter.subscriptions.addresses import AddressError, normalize_address
from newsletter.subscriptions.mailer import MailerError
from storage.audit import record
from storage.networks import City
from web.console import i18n
from web.console.access import Permission, requires
from web.console.config import console_config
from web.console.navigation import N_
from web.console.representatives import render_city
from web.console.requests import actor, lang, path_id, see_other, sessions, text

routes = web.RouteTableDef()
MAX_DAYS = 90
NO_BOT = N_(
    "The bot's username is not known (is AIVE_TELEGRAM_TOKEN set?): no invitation link can be made."
)
BAD_DAYS = N_("Give a number of days from 1 to %(max)s.")
BAD_LANGUAGE = N_("Choose one of the languages offered.")


def _days(value: str) -> int | None:
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_DAYS else None


@routes.post("/console/representatives/cities/{id}/invite", name="console.invites.create")
@requires(Permission.run_consultations)
async def create(request: web.Request) -> web.StreamResponse:
    """Create an invite for the city; email its link when an address is given."""
    city_id = path_id(request)
    form = await request.post()
    values = {key: text(form, key, 320).strip() for key in ("email", "name", "language", "days")}
    config = console_config(request)
    reader = lang(request)
    errors: dict[str, str] = {}
    address = None
    if values["email"]:
        try:
            address = normalize_address(values["email"])
        except AddressError as exc:
            errors["email"] = i18n.English(exc)
    days = _days(values["days"] or "14")
    if days is None:
        errors["days"] = i18n.lgettext(reader, BAD_DAYS, max=MAX_DAYS)
    if values["language"] not in LANGUAGES:
        errors["language"] = i18n.lgettext(reader, BAD_LANGUAGE)
    username = await config.bot_username() if config.bot_username else None
    if not username:
        errors["link"] = i18n.lgettext(reader, NO_BOT)
    async with sessions(request)() as session:
        city = await session.get(City, city_id)
        if city is None:
            raise web.HTTPNotFound()
        if errors or days is None or not username:
            return await render_city(request, city_id, form=values, errors=errors, status=422)
        invite, token = await create_invite(
            session,
            city,
            config.signing_key,
            created_by=actor(request),
            language=values["language"],
            valid_for=timedelta(days=days),
            email=address,
        )
        await session.commit()
        if address is None:
            raise see_other(f"/console/representatives/cities/{city_id}", "invited")
        link = invite_link(username, token)
        try:
            await email_invitation(
                config.mailer,
                invite,
                link,
                to=address,
                name=values["name"] or None,
                lang=values["language"],
            )
        except MailerError as exc:
            errors = {"mail": i18n.English(str(exc))}
            return await render_city(request, city_id, errors=errors, status=502)
        record(
            session,
            actor(request),
            "invite.emailed",
            f"invite:{invite.id}",
            city_id=city_id,
            language=values["language"],
        )
        await session.commit()
    raise see_other(f"/console/representatives/cities/{city_id}", "emailed")
