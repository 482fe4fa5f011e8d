"""Email subscribers: double opt-in, tokens, preferences and leaving (web pages and CLI)."""
