"""A sender's conversation row, locked for the rest of the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Conversation


def lock_conversation(session: Session, identity_id: int) -> Conversation:
    """The identity's conversation, created when missing, locked (FOR UPDATE) until commit."""
    query = select(Conversation).where(Conversation.identity_id == identity_id).with_for_update()
    conversation = session.scalar(query)
    if conversation is not None:
        return conversation
    try:
        with session.begin_nested():
            conversation = Conversation(identity_id=identity_id, state="idle", context={})
            session.add(conversation)
    except IntegrityError:  # another worker created it first: take theirs, locked
        conversation = session.scalar(query)
    assert conversation is not None
    return conversation
