"""`aive`: the command line of operators and staff."""

from app.cli.main import app, main

__all__ = ["app", "main"]
