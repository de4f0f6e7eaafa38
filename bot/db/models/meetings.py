"""Meetings between staff and families: key-person meetings booked in the chat and the slots of a
parents' evening. A booked slot is held by the database (one booked meeting per staff member and
start time), never by a read-then-write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow

MEETING_BOOKED = "booked"  # the status that holds a staff member's slot


class Meeting(Base):
    """A meeting with one member of staff about one or more children, at a set time."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index(
            "uq_meetings_staff_start_booked",
            "staff_id",
            "start",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column()
    end: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=MEETING_BOOKED)  # booked, cancelled
    mode: Mapped[str] = mapped_column(String(16), default="in_person")  # in_person, phone, video
    source: Mapped[str] = mapped_column(String(16), default="key_person")  # key_person, evening
    source_id: Mapped[int | None] = mapped_column(Integer)  # e.g. the parents' evening's id
    topic: Mapped[str] = mapped_column(Text, default="")  # the parent's own words, if any
    booked_by: Mapped[str] = mapped_column(String(64), default="")  # "guardian:3", "staff:2"
    ics_token: Mapped[str] = mapped_column(String(64), unique=True)  # the unguessable .ics link
    moved_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    reminded_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column()


class MeetingChild(Base):
    """A child a meeting is about."""

    __tablename__ = "meeting_children"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeetingGuardian(Base):
    """A guardian attending a meeting (two guardians of one child may share one booking)."""

    __tablename__ = "meeting_guardians"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )
