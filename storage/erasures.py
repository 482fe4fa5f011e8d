"""Addresses erased at their owner's request, kept only as a hash (GDPR art. 17).

The hash lets an import recognise the address without keeping it: a list that still holds it
cannot add the person back without a new consent (see newsletter.subscriptions.gdpr).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class ErasedAddress(Base):
    __tablename__ = "erased_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 (hex) of the lower-cased address: `gdpr.address_hash`
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
