"""The running of the service: scheduled job runs and staff dashboard sign-ins and sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow


class JobRun(Base):
    """One run of a daily scheduled job for one setting and slot (its local date), written in the
    job's own transaction: the job runs once per slot whoever starts it (bot/jobs/registry.py)."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("setting_id", "job", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    job: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(32))  # "2026-11-23"
    ran_at: Mapped[datetime] = mapped_column()


class StaffSignIn(Base):
    """The staff dashboard's sign-in state for one identifier (a phone number or e-mail as typed,
    normalised), known to the roster or not, so that both behave alike: the current one-time
    code (hashed), its wrong tries, the wrong codes since the last success, and any lock."""

    __tablename__ = "staff_sign_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(200), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_sent_at: Mapped[datetime | None] = mapped_column()
    code_expires_at: Mapped[datetime | None] = mapped_column()
    code_tries: Mapped[int] = mapped_column(Integer, default=0)  # wrong tries of this code
    failures: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes since last success
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A signed-in dashboard session: the browser holds the token, the database its hash."""

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
