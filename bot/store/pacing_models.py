"""The tables that pace Zoom calls across bot processes: who is alive, and each host's daily writes.

Kept apart from ``models.py`` (which re-exports them, so the schema stays in one place for the
migrations and ``create_all``) only to keep modules small.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.schema_base import Base


class BotProcess(Base):
    """A bot process that is alive (it beats every few seconds), so processes can split Zoom's
    per-account rate limits between them (added by migration 0009)."""

    __tablename__ = "bot_processes"

    owner: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class ZoomHostWrites(Base):
    """Meeting creates + updates this bot sent for one Zoom host on one UTC day, under Zoom's cap
    of 100 a day per host (added by migration 0011; ``bot/store/host_writes.py``).

    ``host_key`` is the SHA-256 of the host's lower-cased e-mail (or Zoom user id): no e-mail is
    stored. ``used_up_until`` is set when Zoom itself answered the daily 429 (other apps on the
    account spend the same 100): no slot is granted before it.
    """

    __tablename__ = "zoom_host_writes"

    host_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)
    used_up_until: Mapped[datetime | None]
