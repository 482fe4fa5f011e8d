"""Fake third-party servers for tests, checked against the real APIs' specs (shared/specs/)."""
