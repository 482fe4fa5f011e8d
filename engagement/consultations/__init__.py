"""Consultations that member cities answer in chat and on the web (one response per city,
whichever face: the same row, the same rules).

`schema` models the YAML definition, `definition_check` loads and checks it (pydantic's errors
put in our words by `validation_problems`), `flow` walks the questions (pure), `results` counts
answers (pure), `reminders` decides who is reminded (pure). The I/O: `lifecycle` (staff create,
open, close), `response_access` (the response a person may answer, and its view),
`answering` (the person's answers, committed one by one, refused when saved from an old
`version`), `web_links` (the signed personal link to the web form), `web_recipients` (who gets
it by email, for which city).
"""
