"""Consultations that member cities answer in chat.

`schema` loads and checks the YAML definition, `flow` walks the questions (pure), `results`
counts answers (pure), `reminders` decides who is reminded (pure), `service` does the I/O.
"""
