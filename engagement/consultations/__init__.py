"""Consultations that member cities answer in chat.

`schema` models the YAML definition, `definition_check` loads and checks it (pydantic's errors
put in our words by `validation_problems`), `flow` walks the questions (pure), `results` counts
answers (pure), `reminders` decides who is reminded (pure). The I/O: `lifecycle` (staff create,
open, close), `response_access` (the response a person may answer, and its view),
`answering` (the person's answers, committed one by one).
"""
