"""A sender's conversation row, locked for the rest of the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Conversation
from bot.db.session import insert_unless_present


def lock_conversation(session: Session, identity_id: int) -> Conversation:
    """The identity's conversation, created when missing, locked (FOR UPDATE) until commit."""
    query = select(Conversation).where(Conversation.identity_id == identity_id).with_for_update()
    conversation = session.scalar(query)
    if conversation is None:  # first message: create it (or find another worker's), then lock
        insert_unless_present(
            session, Conversation, identity_id=identity_id, state="idle", context={}
        )
        conversation = session.scalar(query)
    assert conversation is not None
    return conversation
