"""Imports every model module so that `Base.metadata` knows every table (Alembic, tests)."""

from storage import (
    audit,
    broadcasts,
    bulletins,
    cafes,
    campaigns,
    consultations,
    deliveries,
    erasures,
    feeds,
    networks,
    people,
    polls,
    representatives,
    staff,
    subscribers,
    update_claims,
    youth,
)
from storage.base import Base

metadata = Base.metadata

__all__ = [
    "audit",
    "broadcasts",
    "bulletins",
    "cafes",
    "campaigns",
    "consultations",
    "deliveries",
    "erasures",
    "feeds",
    "metadata",
    "networks",
    "people",
    "polls",
    "representatives",
    "staff",
    "subscribers",
    "update_claims",
    "youth",
]
