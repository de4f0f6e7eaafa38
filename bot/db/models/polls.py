"""Polls to families (a parents' evening's time windows; later questionnaires) and the parents'
evenings that send them. A poll is generic: its `kind` says what asked it ("evening",
"questionnaire"), its options are numbered, each guardian asked has one recipient row, and each
option they chose one answer row (answering again replaces their answer)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow


class Poll(Base):
    """One question with numbered options, sent to some guardians."""

    __tablename__ = "polls"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # evening, questionnaire
    source_id: Mapped[int | None] = mapped_column(Integer)  # e.g. the parents' evening's id
    question: Mapped[str] = mapped_column(Text, default="")  # English, as staff read it
    multiple: Mapped[bool] = mapped_column(default=True)  # several options may be chosen
    closes_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PollOption(Base):
    """One numbered option of a poll; `value` is what it means to the code that asked (an
    evening window "<ISO start>/<ISO end>", "none", "remote")."""

    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # 1, 2, ... as the numbered list shows it
    value: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(120))  # English, as staff read it


class PollRecipient(Base):
    """A guardian asked, about which children; when they were asked, reminded and answered, and
    the id of the native poll a channel made for them (Telegram's poll id)."""

    __tablename__ = "poll_recipients"
    __table_args__ = (UniqueConstraint("poll_id", "guardian_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    child_ids: Mapped[list[Any]] = mapped_column(default=list)
    external_id: Mapped[str | None] = mapped_column(String(64), index=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()


class PollAnswer(Base):
    """One option a guardian chose."""

    __tablename__ = "poll_answers"
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )


class ParentsEvening(Base):
    """A parents' evening: its dates and hours, slot length, reply-by date, and where it stands
    (draft until the manager sends it, then polling, then scheduled; or cancelled)."""

    __tablename__ = "parents_evenings"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the parsed command, as JSON
    reply_by: Mapped[date] = mapped_column()
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    created_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    scheduled_at: Mapped[datetime | None] = mapped_column()
