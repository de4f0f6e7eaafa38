"""What the setting records: notices, arrivals, absence checks, handoffs, the audit log, and
erasures of personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow

SAFEGUARDING_HANDOFF = "safeguarding"  # HandoffItem.kind seen only by safeguarding leads, managers
SAFEGUARDING_ALERT = "safeguarding_alert"  # the Outbox.kind of an urgent alert to the leads


class HandoffItem(Base):
    """Something a person on the staff must answer: a concern, an unanswered question, a call."""

    __tablename__ = "handoff_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # concern, safeguarding, policy_unanswered, ...
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id", ondelete="SET NULL"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    assigned_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)  # the parent's own words
    english_text: Mapped[str | None] = mapped_column(Text)  # machine translation, when made
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who did what to which record, for safeguarding and data protection."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # "guardian:3", "staff:2", "system", "import"
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64), default="")  # "absence:7"
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Absence(Base):
    """A child's absence over an inclusive date range."""

    __tablename__ = "absences"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(32), default="other")
    symptoms: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, withdrawn
    reported_by_guardian_ids: Mapped[list[Any]] = mapped_column(default=list)
    acknowledged_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionChange(Base):
    """Someone else collecting a child on one day, or a guardian arriving late."""

    __tablename__ = "collection_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="collector")  # collector, late
    collector_name: Mapped[str | None] = mapped_column(String(200))
    collector_relationship: Mapped[str | None] = mapped_column(String(64))
    collect_time: Mapped[str | None] = mapped_column(String(5))  # "15:00"
    minutes_late: Mapped[int | None] = mapped_column(Integer)
    authorised: Mapped[bool] = mapped_column(Boolean, default=False)  # on the child's list
    status: Mapped[str] = mapped_column(String(16), default="active")
    # who gave it: None once that guardian is erased (the record stays: bot.privacy)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id", ondelete="SET NULL"))
    acknowledged_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Arrival(Base):
    """A child marked in by staff on one day."""

    __tablename__ = "arrivals"
    __table_args__ = (UniqueConstraint("child_id", "on_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    on_date: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


class AbsenceChase(Base):
    """The first-day absence check for one expected child on one day (EYFS 3.11)."""

    __tablename__ = "absence_chases"
    __table_args__ = (UniqueConstraint("child_id", "on_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    on_date: Mapped[date] = mapped_column(Date)
    chased_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(String(16))  # absent, late
    answered_by_guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardians.id", ondelete="SET NULL")
    )
    call_task_at: Mapped[datetime | None] = mapped_column()


class Erasure(Base):
    """A guardian's personal data to erase when due (`parentbot erase`, or removed from the
    roster: `erase_after_days` later). Until then it holds what finds their data; afterwards
    only what was kept, and why (bot.privacy.erase)."""

    __tablename__ = "erasures"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))  # erase_command, removed_from_roster
    requested_by: Mapped[str] = mapped_column(String(64))  # an audit actor: "cli:ana", "import"
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None] = mapped_column()
    identifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # emptied when done
    links: Mapped[dict[str, Any]] = mapped_column(default=dict)  # "table.column" -> row ids
    kept: Mapped[list[Any]] = mapped_column(default=list)  # [{"table", "id", "why"}] when done

    @property
    def reference(self) -> str:
        """What kept records say instead of the person's name ("E7")."""
        return f"E{self.id}"
