"""The list of scheduled jobs. Feature packages provide the job functions; wiring lives here."""

from __future__ import annotations

from app.scheduler import Job

JOBS: list[Job] = []
