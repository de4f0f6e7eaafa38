"""A sender's conversation row: read and locked for the rest of the transaction, then saved.

Plain statements, built once, with no ORM object: the row is read and written once per turn.
What the state and context mean is the flow registry's business (bot/flows/registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation
from bot.db.session import insert_unless_present
from bot.flows.registry import FLOWS, Registry
from bot.flows.turn import END, StepResult

LOCKED = (
    select(Conversation.id, Conversation.state, Conversation.context, Conversation.updated_at)
    .where(Conversation.identity_id == bindparam("identity_id"))
    .with_for_update()
)
CONVERSATIONS = cast(Table, Conversation.__table__)
SAVE = (
    update(CONVERSATIONS)
    .where(CONVERSATIONS.c.id == bindparam("conversation_id"))
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
    updated_at: datetime  # when its state was last saved


def lock_conversation(session: Session, identity_id: int) -> LockedConversation:
    """The identity's conversation, created when missing, locked (FOR UPDATE) until commit."""
    row = session.execute(LOCKED, {"identity_id": identity_id}).one_or_none()
    if row is None:  # first message: create it (or find another worker's), then lock
        insert_unless_present(session, Conversation, identity_id=identity_id, state=END, context={})
        row = session.execute(LOCKED, {"identity_id": identity_id}).one()
    return LockedConversation(row.id, row.state, dict(row.context), row.updated_at)


def save_conversation(
    session: Session, conversation_id: int, state: str, context: dict[str, Any], at: datetime
) -> None:
    """Write the conversation's next state and context."""
    values = {"new_state": state, "new_context": context, "at": at}
    session.execute(SAVE, {"conversation_id": conversation_id, **values})


def start_flow(
    session: Session, identity_id: int, result: StepResult, at: datetime, flows: Registry = FLOWS
) -> None:
    """Put the identity's conversation where a step outside any turn left it (the chase job's
    question): its state and its flow's data, as a turn's step would (bot/flows/registry.py:
    the data flows keep across turns, such as the languages declined, stays)."""
    conversation = lock_conversation(session, identity_id)
    state, context = flows.settle(conversation.context, result)
    save_conversation(session, conversation.id, state, context, at)
