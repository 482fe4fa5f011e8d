"""`aive bulletin`: the group that its modules fill (compose, edit, status, delivery, series)."""

from __future__ import annotations

from app.cli import bulletin, bulletin_edit, bulletin_status, delivery, series

bulletin_edit.register(bulletin.app)
bulletin_status.register(bulletin.app)
delivery.register(bulletin.app)
bulletin.app.add_typer(series.app, name="series")
app = bulletin.app
