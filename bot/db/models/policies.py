"""The setting's policy documents, their passages, and the setting's own synonyms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utcnow


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


class PolicySynonym(Base):
    """A setting's own entry for the parent-vocabulary table (content/qa/synonyms.toml's
    [expand]): a question with `parent_words` is also searched for each of `policy_words`.
    Staff add them on the dashboard's Policies screen."""

    __tablename__ = "policy_synonyms"
    __table_args__ = (UniqueConstraint("setting_id", "parent_words"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="CASCADE"))
    parent_words: Mapped[str] = mapped_column(String(100))  # as staff typed them, lower case
    policy_words: Mapped[list[Any]] = mapped_column(default=list)  # phrases, lower case
    added_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
