"""Broadcasts and reminders staff compose in the chat (or from the command line): a draft until
they confirm it, then scheduled (once or every week) and sent by the `broadcasts` job. Each
occurrence is claimed by a unique row before anything is queued, so a restart, a catch-up or a
second scheduler never sends it twice. An urgent broadcast keeps one row per family it went to,
to follow up those who have not confirmed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow

DRAFT, SCHEDULED, SENT, CANCELLED = "draft", "scheduled", "sent", "cancelled"
CONSENT = "consent"  # the kind of a consent request
QUESTIONNAIRE = "questionnaire"  # the kind of a questionnaire (its poll: polls.source_id = id)


class Broadcast(Base):
    """A message to families (all, or some rooms'), now, at a set time or every week."""

    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(
        String(16), default="broadcast"
    )  # broadcast, reminder, consent
    text: Mapped[str] = mapped_column(Text)  # English, as staff wrote it
    rooms: Mapped[list[Any]] = mapped_column(default=list)  # room names; empty: every family
    # as previewed, by language: [text, machine translated]; what goes is what staff saw
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # draft -> scheduled -> sent (a one-off); a recurring one stays scheduled; or cancelled
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    send_at: Mapped[datetime | None] = mapped_column()  # the first occurrence; None: at once
    repeat_weekdays: Mapped[list[Any]] = mapped_column(default=list)  # 0 = Monday; empty: once
    repeat_at: Mapped[str | None] = mapped_column(String(5))  # "15:00", setting time
    next_at: Mapped[datetime | None] = mapped_column(index=True)  # the occurrence to send next
    deadline: Mapped[datetime | None] = mapped_column()  # a consent request's answers by
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column()


class BroadcastOccurrence(Base):
    """One sending of a broadcast, claimed before anything is queued: (broadcast, slot) is unique,
    so whoever inserts it sends it and anyone else finds it taken."""

    __tablename__ = "broadcast_occurrences"
    __table_args__ = (UniqueConstraint("broadcast_id", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(32))  # the occurrence's local time, ISO
    sent_at: Mapped[datetime] = mapped_column()
    queued: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[str | None] = mapped_column(String(32))  # "closed" when a closed day


class BroadcastRecipient(Base):
    """A family an urgent broadcast went to, and how far its follow-up has gone."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (UniqueConstraint("occurrence_id", "guardian_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("broadcast_occurrences.id", ondelete="CASCADE")
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column()  # "Got it", or a channel's read
    resent_at: Mapped[datetime | None] = mapped_column()  # by SMS, unconfirmed
    escalated_at: Mapped[datetime | None] = mapped_column()  # in the managers' call task
    reminded_at: Mapped[datetime | None] = mapped_column()  # a consent request's one reminder


class Consent(Base):
    """A family's answer to a consent request for one child (their latest; a withdrawal later
    sets `withdrawn_at`)."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("broadcast_id", "child_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[str] = mapped_column(String(8))  # yes, no
    answered_at: Mapped[datetime] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)  # answer "no" since then
