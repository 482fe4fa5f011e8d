"""Telegram updates claimed by the process handling them, so that none is handled twice.

Telegram resends an update that got no 200 in time; several web processes share the webhook.
Before handling, a process claims (bot, update_id); a second delivery finds the claim and is
not handled again. A claim whose process died before finishing (SIGKILL) expires after its
lease: the process renews the leases of what it is still handling, so only a dead one's run out,
and Telegram's next resend takes the update over instead of losing it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class UpdateClaim(Base):
    __tablename__ = "telegram_update_claims"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    owner: Mapped[str] = mapped_column(String(64))  # the process: host, pid and a random part
    claimed_at: Mapped[datetime]  # when claimed, or the lease last renewed
    done_at: Mapped[datetime | None]
