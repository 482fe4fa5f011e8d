"""`aive staff`: who may run the secretariat's commands in the bot."""

from __future__ import annotations

import typer

from app.cli.context import settings_or_exit, with_sessions
from app.people import grant_staff
from storage.engine import SessionFactory

app = typer.Typer(help="Secretariat staff.", no_args_is_help=True)


@app.command()
def add(telegram_id: int = typer.Argument(..., help="Numeric Telegram user id.")) -> None:
    """Make a Telegram user staff (creates the person if they never wrote to the bot)."""

    async def _go(sessions: SessionFactory) -> bool:
        async with sessions() as session:
            added = await grant_staff(session, telegram_id, actor="cli")
            await session.commit()
            return added

    added = with_sessions(settings_or_exit(), _go)
    typer.echo(f"{telegram_id} is {'now' if added else 'already'} staff")
