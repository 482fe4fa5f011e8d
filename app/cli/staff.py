"""`aive staff`: who may run the secretariat's commands in the bot."""

from __future__ import annotations

import typer

from app.cli.context import settings_or_exit, with_sessions
from app.cli.i18n import N_, _
from app.people import grant_staff
from storage.engine import SessionFactory

app = typer.Typer(help=N_("Secretariat staff."), no_args_is_help=True)


@app.command(
    help=N_("Make a Telegram user staff (creates the person if they never wrote to the bot).")
)
def add(telegram_id: int = typer.Argument(..., help=N_("Numeric Telegram user id."))) -> None:
    async def _go(sessions: SessionFactory) -> bool:
        async with sessions() as session:
            added = await grant_staff(session, telegram_id, actor="cli")
            await session.commit()
            return added

    added = with_sessions(settings_or_exit(), _go)
    if added:
        typer.echo(_("{telegram_id} is now staff", telegram_id=telegram_id))
    else:
        typer.echo(_("{telegram_id} is already staff", telegram_id=telegram_id))
