"""Imports every model module so that `Base.metadata` knows every table (Alembic, tests)."""

from storage import (
    audit,
    bulletins,
    consultations,
    deliveries,
    feeds,
    networks,
    people,
    representatives,
    subscribers,
)
from storage.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "bulletins",
    "consultations",
    "deliveries",
    "feeds",
    "metadata",
    "networks",
    "people",
    "representatives",
    "subscribers",
]
