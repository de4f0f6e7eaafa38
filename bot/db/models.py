"""Typed SQLAlchemy models. Every schema change comes with an Alembic migration."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention, so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Setting(Base):
    """One nursery or pre-school."""

    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    manager_name: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # {"mon": ["07:30","18:00"]}
    closed_dates: Mapped[list[Any]] = mapped_column(default=list)  # ISO dates
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # setting-level switches and data


class Room(Base):
    """A room (baby room, toddlers, pre-school)."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("setting_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))


class Staff(Base):
    """A member of staff with one or more roles (bot.staff.roles): key person, practitioner,
    manager, admin, safeguarding lead."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("setting_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    roles: Mapped[list[Any]] = mapped_column(default=list)  # ["manager", "safeguarding_lead"]
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    room: Mapped[Room | None] = relationship()

    def has_role(self, role: str) -> bool:
        """Whether this member of staff holds `role` (among others)."""
        return role in self.roles


class Child(Base):
    """A child on the roll."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("setting_id", "first_name", "last_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    known_as: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    key_person_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    attendance_days: Mapped[list[Any]] = mapped_column(default=list)  # ["mon", "tue", ...]
    authorised_collectors: Mapped[list[Any]] = mapped_column(default=list)  # names
    room: Mapped[Room | None] = relationship()
    key_person: Mapped[Staff | None] = relationship()

    @property
    def display_name(self) -> str:
        """Known-as (or first) name and surname."""
        return f"{self.known_as or self.first_name} {self.last_name}"


class Guardian(Base):
    """A parent or carer."""

    __tablename__ = "guardians"
    __table_args__ = (UniqueConstraint("setting_id", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    relationship_to_child: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    can_collect: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # may give collection permission
    channel_order: Mapped[list[Any]] = mapped_column(default=list)  # preferred first
    children: Mapped[list[Child]] = relationship(secondary="guardian_children", order_by=Child.id)

    @property
    def first_name(self) -> str:
        """The first word of the name, for greetings."""
        return self.name.split()[0] if self.name else ""


class GuardianChild(Base):
    """Which guardian is responsible for which child."""

    __tablename__ = "guardian_children"
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True
    )


class EmergencyContact(Base):
    """Someone to call when a child's guardians cannot be reached."""

    __tablename__ = "emergency_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32))
    relationship_to_child: Mapped[str] = mapped_column(String(64), default="")


class ChannelIdentity(Base):
    """One person's address on one channel; unique per channel and external id."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Read-only: who the identity speaks for, loaded with it in one query (bot.pipeline.identity)
    guardian: Mapped[Guardian | None] = relationship(viewonly=True)
    staff: Mapped[Staff | None] = relationship(viewonly=True)


class Conversation(Base):
    """A sender's pending flow state, read fresh and locked for each message."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(64), default="idle")
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundLog(Base):
    """Every message received, once: the unique key makes a repeated webhook a no-op."""

    __tablename__ = "inbound_log"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id"),
        Index("ix_inbound_log_status_id", "status", "id"),  # the turns process's queue, in order
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    sender_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    choice_id: Mapped[str | None] = mapped_column(Text)  # a tapped or numbered choice
    received_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="received")  # received, handled, failed
    handled_at: Mapped[datetime | None] = mapped_column()  # when its turn committed
    intent: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    error: Mapped[str | None] = mapped_column(Text)


class Outbox(Base):
    """Everything the bot sends, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    recipient_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), default="reply")
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any]] = mapped_column(default=list)  # [{"id":..., "label":...}]
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    inbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_log.id", ondelete="SET NULL")
    )
    # pending -> sending -> sent -> delivered/read; or failed, unknown (ambiguous), dead (gave up)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    original_text: Mapped[str | None] = mapped_column(Text)  # English, when `text` is translated


SAFEGUARDING_HANDOFF = "safeguarding"  # HandoffItem.kind seen only by safeguarding leads, managers


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


class PolicyDocument(Base):
    """One imported policy document."""

    __tablename__ = "policy_documents"
    __table_args__ = (UniqueConstraint("setting_id", "filename"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyPassage(Base):
    """A passage of a policy document, with its heading path, as retrieval indexes it."""

    __tablename__ = "policy_passages"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    heading_path: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text)


class TranslationCacheEntry(Base):
    """A machine translation made once and kept: keyed by backend, languages and text hash."""

    __tablename__ = "translation_cache"
    __table_args__ = (UniqueConstraint("backend", "source_lang", "target_lang", "text_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    backend: Mapped[str] = mapped_column(String(32))
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    text_sha256: Mapped[str] = mapped_column(String(64))
    translated: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
