"""`aive staff`: who may run the secretariat's commands in the bot and sign in to the console."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from app.cli.context import fail, print_json, print_table, settings_or_exit, with_sessions
from app.cli.i18n import N_, _
from app.people import grant_staff
from storage.engine import SessionFactory

if TYPE_CHECKING:
    from storage.staff import StaffRole

app = typer.Typer(help=N_("Secretariat staff."), no_args_is_help=True)
ROLES = ("owner", "editor", "moderator", "viewer")


@dataclass(frozen=True)
class Added:
    telegram_granted: bool
    member_created: bool
    role_changed: bool


@app.command(
    help=N_(
        "Make a Telegram user staff (creates the person if they never wrote to the bot), "
        "and/or give someone a console account with --email and --role."
    )
)
def add(
    telegram_id: int | None = typer.Argument(None, help=N_("Numeric Telegram user id.")),
    email: str | None = typer.Option(
        None, "--email", help=N_("Their email address: they sign in to the console with it.")
    ),
    role: str | None = typer.Option(
        None, "--role", help=N_("owner, editor, moderator or viewer (default: editor).")
    ),
    name: str = typer.Option("", "--name", help=N_("Their name, as the console shows it.")),
    lang: str = typer.Option(
        "en", "--lang", help=N_("Their console language: en, fr, es, pt, ca.")
    ),
) -> None:
    from storage.staff import StaffRole

    _check_add_options(telegram_id, email, role, lang)
    wanted = StaffRole(role) if role else None

    async def _go(sessions: SessionFactory) -> Added:
        return await _add(sessions, telegram_id, email, wanted, name, lang)

    added = with_sessions(settings_or_exit(), _go)
    _say_added(added, telegram_id, email, wanted)


def _check_add_options(
    telegram_id: int | None, email: str | None, role: str | None, lang: str
) -> None:
    if telegram_id is None and email is None:
        fail(_("Give a Telegram user id, --email, or both."), 2)
    if role is not None and role not in ROLES:
        fail(_("Unknown role {role}: use owner, editor, moderator or viewer.", role=role), 2)
    if email is not None and "@" not in email:
        fail(_("{email} is not an email address.", email=email), 2)
    if lang not in ("en", "fr", "es", "pt", "ca"):
        fail(_("Unknown language {lang}: use en, fr, es, pt or ca.", lang=lang), 2)


async def _add(
    sessions: SessionFactory,
    telegram_id: int | None,
    email: str | None,
    wanted: StaffRole | None,
    name: str,
    lang: str,
) -> Added:
    """Grants staff to the Telegram user and creates or updates the console account."""
    from app.people import person_by_telegram_id
    from storage import staff_queries
    from storage.staff import StaffRole

    async with sessions() as session:
        granted = created = changed = False
        person_id = None
        if telegram_id is not None:
            granted = await grant_staff(session, telegram_id, actor="cli")
            person = await person_by_telegram_id(session, telegram_id)
            person_id = person.id if person else None
        member = await staff_queries.staff_by_email(session, email) if email else None
        if member is None and person_id is not None:
            member = await staff_queries.staff_by_telegram_id(session, telegram_id or 0)
        if member is None and (email is not None or wanted is not None):
            member = await staff_queries.add_staff(
                session,
                email=email,
                name=name,
                role=wanted or StaffRole.editor,
                language=lang,
                actor="cli",
                person_id=person_id,
            )
            created = True
        elif member is not None:
            if wanted is not None and member.role != wanted:
                await staff_queries.change_role(session, member, wanted, actor="cli")
                changed = True
            if person_id is not None and member.person_id != person_id:
                await staff_queries.link_person(session, member, person_id, actor="cli")
        await session.commit()
        return Added(granted, created, changed)


def _say_added(
    added: Added, telegram_id: int | None, email: str | None, wanted: StaffRole | None
) -> None:
    if telegram_id is not None:
        if added.telegram_granted:
            typer.echo(_("{telegram_id} is now staff", telegram_id=telegram_id))
        else:
            typer.echo(_("{telegram_id} is already staff", telegram_id=telegram_id))
    who = email or str(telegram_id)
    if added.member_created:
        typer.echo(
            _("{who} can sign in to the console as {role}", who=who, role=wanted or "editor")
        )
    elif added.role_changed:
        typer.echo(_("{who} is now {role}", who=who, role=wanted))
    elif email is not None:
        typer.echo(_("{who} already has a console account", who=who))


@app.command(
    "login-link",
    help=N_("Print a one-time console sign-in link for a staff member (valid 15 minutes)."),
)
def login_link(
    email: str = typer.Argument(..., help=N_("The staff member's email address.")),
) -> None:
    settings = settings_or_exit()

    async def _go(sessions: SessionFactory) -> str | None:
        from storage import staff_queries
        from storage.base import utcnow
        from web.console.magic_links import issue_link

        async with sessions() as session:
            member = await staff_queries.staff_by_email(session, email)
            if member is None or not member.active:
                return None
            url = await issue_link(
                session, member, settings.signing_key(), settings.public_url, utcnow()
            )
            await session.commit()
            return url

    url = with_sessions(settings, _go)
    if url is None:
        fail(_("No active staff member has the address {email}.", email=email))
    typer.echo(url)


@app.command("list", help=N_("Staff members with a console account."))
def list_staff(as_json: bool = typer.Option(False, "--json", help=N_("Print JSON."))) -> None:
    async def _go(sessions: SessionFactory) -> list[dict[str, object]]:
        from storage import staff_queries

        async with sessions() as session:
            return [
                {
                    "id": m.id,
                    "email": m.email,
                    "name": m.name,
                    "role": m.role.value,
                    "language": m.language,
                    "active": m.active,
                }
                for m in await staff_queries.list_staff(session)
            ]

    rows = with_sessions(settings_or_exit(), _go)
    if as_json:
        print_json(rows)
        return
    columns = [_("email"), _("name"), _("role"), _("language"), _("active")]
    print_table(
        _("Staff"),
        columns,
        [[r["email"] or "—", r["name"], r["role"], r["language"], r["active"]] for r in rows],
    )
