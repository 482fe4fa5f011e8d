"""`aive cities`: member cities."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _, ngettext
from app.cli.output import read_csv_file
from storage import networks_queries
from storage.audit import record
from storage.networks import City

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.cities_csv import CityFile
    from app.settings import Settings
    from storage.engine import SessionFactory

app = typer.Typer(help=N_("Member cities."), no_args_is_help=True)


@app.command(
    "import",
    help=N_(
        "Add or update cities; bad rows are reported with line and column, the good ones kept."
    ),
)
def import_cities(
    file: Path = typer.Argument(
        ..., help=N_("CSV with a header row: name,country[,region,networks,languages]")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON report.")),
) -> None:
    text = read_csv_file(file)

    from app.cities import import_cities_text  # validation loads Babel: only when importing

    async def _go(sessions: SessionFactory) -> tuple[CityFile, int, int]:
        async with sessions() as session:
            parsed, added, updated = await import_cities_text(session, text)
            record(session, "cli", "cities.imported", str(file), added=added, updated=updated)
            await session.commit()
            return parsed, added, updated

    parsed, added, updated = with_sessions(settings_or_exit(), _go)
    rejected = [{"line": e.line, "column": e.column, "reason": e.reason} for e in parsed.errors]
    if as_json:
        print_json({"added": added, "updated": updated, "rejected": rejected})
    else:
        typer.echo(
            _(
                "{added} cities added, {updated} updated, {rejected} rows rejected",
                added=added,
                updated=updated,
                rejected=len(rejected),
            )
        )
        if rejected:
            print_table(
                _("Rejected rows"),
                [_("line"), _("column"), _("reason")],
                [(e["line"], e["column"], e["reason"]) for e in rejected],
            )
    if rejected and not parsed.rows:
        raise typer.Exit(1)


@app.command("list", help=N_("Every member city with its country, region, networks and languages."))
def list_cities(
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
) -> None:
    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        async with sessions() as session:
            cities = await networks_queries.cities_by_country(session)
            return [
                {
                    "id": c.id,
                    "name": c.name,
                    "country": c.country,
                    "region": c.region,
                    "networks": sorted(n.slug for n in c.networks),
                    "languages": c.languages,
                }
                for c in cities
            ]

    cities = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(cities)
        return
    print_table(
        ngettext("{n} member city", "{n} member cities", len(cities)),
        [_("id"), _("name"), _("country"), _("region"), _("networks"), _("languages")],
        [
            (
                c["id"],
                c["name"],
                c["country"],
                c["region"],
                c["networks"],
                c["languages"],
            )
            for c in cities
        ],
    )


@app.command(
    "invite",
    help=N_(
        "Print a single-use, expiring `https://t.me/<bot>?start=<token>` link for a "
        "representative (and with --email, send it to them)."
    ),
)
def invite(
    city: str = typer.Argument(..., help=N_("The city's id or exact name.")),
    lang: str = typer.Option(
        None, "--lang", help=N_("Language of the greeting (default: the city's).")
    ),
    days: int = typer.Option(14, "--days", min=1, max=90, help=N_("Days the link stays valid.")),
    bot_username: str = typer.Option(
        None, "--bot", help=N_("The bot's @username (default: asked from Telegram).")
    ),
    email: str = typer.Option(
        None,
        "--email",
        help=N_("Also email the link to this address, in the greeting's language."),
    ),
    name: str = typer.Option(None, "--name", help=N_("The representative's name, for the email.")),
    as_json: bool = typer.Option(False, "--json", help=N_("One JSON document.")),
) -> None:
    from datetime import timedelta

    from engagement.invites import create_invite, invite_link

    settings = settings_or_exit()
    address = _invite_options(lang, email)
    username = bot_username.lstrip("@") if bot_username else _bot_username(settings)

    async def _go(sessions: SessionFactory) -> tuple[City, str, datetime] | list[City]:
        async with sessions() as session:
            found = await _cities_named(session, city)
            if len(found) != 1:
                return found
            invite, token = await create_invite(
                session,
                found[0],
                settings.signing_key(),
                created_by="cli",
                language=lang,
                valid_for=timedelta(days=days),
                email=address,
            )
            await session.commit()
            return found[0], token, invite.expires_at

    found_city, token, expires_at = _one_city(city, with_sessions(settings, _go))
    link = invite_link(username, token)
    if address is not None:
        greeting = lang or next(iter(found_city.languages or ()), settings.default_language)
        _email_invitation(settings, address, name, found_city.name, link, expires_at, greeting)
    _print_invite(found_city, link, expires_at, address, as_json=as_json)


def _print_invite(
    city: City, link: str, expires_at: datetime, address: str | None, *, as_json: bool
) -> None:
    if as_json:
        print_json(
            {
                "city": city.name,
                "city_id": city.id,
                "link": link,
                "expires_at": expires_at,
                "emailed": address,
            }
        )
    else:
        typer.echo(link)
        if address is not None:
            typer.echo(_("emailed to {address}", address=address), err=True)


def _invite_options(lang: str | None, email: str | None) -> str | None:
    """Check --lang and --email (exit 2 when wrong); the address to email, normalized."""
    from i18n.languages import LANGUAGES
    from newsletter.subscriptions.addresses import AddressError, normalize_address

    if lang is not None and lang not in LANGUAGES:
        fail(_("--lang must be one of {languages}", languages=", ".join(LANGUAGES)), 2)
    if email is None:
        return None
    try:
        return normalize_address(email)
    except AddressError as exc:
        fail(_("--email: {problem}", problem=exc), 2)


def _one_city(
    asked: str, result: tuple[City, str, datetime] | list[City]
) -> tuple[City, str, datetime]:
    """The invitation made for the one city named `asked`; else exit: none (1) or several (2)."""
    if not isinstance(result, list):
        return result
    if not result:
        fail(_("no city {city}: see `aive cities list`", city=repr(asked)), 1)
    names = ", ".join(f"{c.id}: {c.name} ({c.country})" for c in result)
    fail(
        _(
            "several cities are called {city} ({names}); give the id",
            city=repr(asked),
            names=names,
        ),
        2,
    )


def _email_invitation(
    settings: Settings,
    address: str,
    name: str | None,
    city: str,
    link: str,
    expires_at: datetime,
    lang: str,
) -> None:
    """Send the invitation email; on failure exit 1, saying the link still works."""
    import asyncio

    from app.mail import transactional_mailer
    from newsletter.subscriptions.invitation import invitation_message
    from newsletter.subscriptions.mailer import MailerError

    message = invitation_message(
        to=address, name=name, city=city, link=link, expires_at=expires_at, lang=lang
    )
    try:
        asyncio.run(transactional_mailer(settings).send(message))
    except MailerError as exc:
        fail(
            _(
                "the invitation was created but the email to {address} was not sent "
                "({problem}); send this link yourself: {link}",
                address=address,
                problem=exc,
                link=link,
            ),
            1,
        )


async def _cities_named(session: AsyncSession, name_or_id: str) -> list[City]:
    if name_or_id.isdigit():
        by_id = await session.get(City, int(name_or_id))
        return [by_id] if by_id else []
    return await networks_queries.cities_named(session, name_or_id)


def _bot_username(settings: Settings) -> str:
    """The bot's @username, from Telegram's getMe (exit 2 without a token, 1 when unreachable)."""
    import asyncio

    from aiogram.exceptions import TelegramAPIError

    from bot.session import make_bot

    if settings.telegram_token is None:
        fail(_("AIVE_TELEGRAM_TOKEN is not set: give the bot's username with --bot"), 2)

    async def _ask() -> str:
        assert settings.telegram_token is not None
        bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
        try:
            me = await bot.get_me()
        finally:
            await bot.session.close()
        return me.username or ""

    try:
        return asyncio.run(_ask())
    except (TelegramAPIError, OSError) as exc:
        fail(
            _(
                "could not ask Telegram for the bot's username ({problem}); give it with --bot",
                problem=exc,
            ),
            1,
        )
