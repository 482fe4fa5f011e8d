"""Imports every model module so that `Base.metadata` knows every table (Alembic, tests)."""

from storage import (
    audit,
    broadcasts,
    bulletins,
    cafes,
    consultations,
    deliveries,
    feeds,
    networks,
    people,
    representatives,
    subscribers,
    youth,
)
from storage.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "broadcasts",
    "bulletins",
    "cafes",
    "consultations",
    "deliveries",
    "feeds",
    "metadata",
    "networks",
    "people",
    "representatives",
    "subscribers",
    "youth",
]
