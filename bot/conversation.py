"""A sender's conversation row, locked for the rest of the transaction."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.db.models import Conversation
from bot.db.session import insert_unless_present

LOCKED = (  # built once: building a statement costs more than running it
    select(Conversation)
    .where(Conversation.identity_id == bindparam("identity_id"))
    .with_for_update()
)


def lock_conversation(session: Session, identity_id: int) -> Conversation:
    """The identity's conversation, created when missing, locked (FOR UPDATE) until commit."""
    conversation = session.scalar(LOCKED, {"identity_id": identity_id})
    if conversation is None:  # first message: create it (or find another worker's), then lock
        insert_unless_present(
            session, Conversation, identity_id=identity_id, state="idle", context={}
        )
        conversation = session.scalar(LOCKED, {"identity_id": identity_id})
    assert conversation is not None
    return conversation
