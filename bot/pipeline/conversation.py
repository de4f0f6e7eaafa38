"""A sender's conversation row: read and locked for the rest of the transaction, then saved.

Plain statements, built once, with no ORM object: the row is read and written once per turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation
from bot.db.session import insert_unless_present

LOCKED = (
    select(Conversation.id, Conversation.state, Conversation.context)
    .where(Conversation.identity_id == bindparam("identity_id"))
    .with_for_update()
)
SAVE = (
    update(Conversation.__table__)
    .where(Conversation.__table__.c.id == bindparam("conversation_id"))
    .values(
        state=bindparam("new_state"),
        context=bindparam("new_context"),
        updated_at=bindparam("at"),
    )
)


@dataclass(frozen=True)
class LockedConversation:
    """The conversation's row as the turn found it; `save` writes the next state."""

    id: int
    state: str
    context: dict[str, Any]


def lock_conversation(session: Session, identity_id: int) -> LockedConversation:
    """The identity's conversation, created when missing, locked (FOR UPDATE) until commit."""
    row = session.execute(LOCKED, {"identity_id": identity_id}).one_or_none()
    if row is None:  # first message: create it (or find another worker's), then lock
        insert_unless_present(
            session, Conversation, identity_id=identity_id, state="idle", context={}
        )
        row = session.execute(LOCKED, {"identity_id": identity_id}).one()
    return LockedConversation(row.id, row.state, dict(row.context))


def save_conversation(
    session: Session, conversation_id: int, state: str, context: dict[str, Any], at: datetime
) -> None:
    """Write the conversation's next state and context."""
    values = {"new_state": state, "new_context": context, "at": at}
    session.execute(SAVE, {"conversation_id": conversation_id, **values})
