"""The audit log: who did what to which record, written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.db.models import AuditLog, table_of

# A plain table statement built once: audit rows are written, never read back in a turn.
AUDIT = insert(table_of(AuditLog))


def audit(
    session: Session, actor: str, action: str, subject: str, details: dict[str, Any] | None = None
) -> None:
    """Add one audit entry: `actor` ("guardian:3", "staff:2", "system", "import") did `action`
    to `subject` ("absence:7")."""
    values = {"actor": actor, "action": action, "subject": subject, "details": details or {}}
    session.execute(AUDIT, values)


def viewed(
    session: Session, actor: str, subject: str, details: dict[str, Any] | None = None
) -> None:
    """Note that `actor` ("staff:2", "cli:ana", "dashboard:priya") looked at `subject` (a
    family's data, the register, a list of messages), in the caller's transaction."""
    audit(session, actor, "viewed", subject, details)
