"""Messages in and out: channel identities, conversations, the inbound log, outbox, translations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, utcnow
from bot.db.models.roster import Guardian, Staff


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
