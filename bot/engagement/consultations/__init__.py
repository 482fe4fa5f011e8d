"""Consultations that member cities answer in chat.

`schema` loads and checks the YAML definition, `flow` walks the questions (pure), `results`
counts answers (pure), `reminders` decides who is reminded (pure). The I/O: `lifecycle` (staff
create, open, close), `response_access` (the response a person may answer, and its view),
`answering` (the person's answers, committed one by one).
"""
