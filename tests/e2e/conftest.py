"""Journeys across faces drive the bot through the same harness as tests/bot."""

from tests.bot.conftest import harness, make_harness  # noqa: F401
