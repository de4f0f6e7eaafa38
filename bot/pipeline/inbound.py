"""The inbound log: every message received, kept once, then claimed and marked by its turn.

Its rows with status "received" are the turns process's queue, oldest first. The hot statements
are plain table statements, built once: no ORM bookkeeping for rows a turn never loads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import InboundLog, table_of
from bot.db.session import insert_unless_present
from bot.types import InboundMessage, Understanding

INBOUND = table_of(InboundLog)
RECEIVED = (
    select(INBOUND)
    .where(INBOUND.c.status == "received")
    .order_by(INBOUND.c.id)
    .limit(bindparam("limit"))
)
CLAIM = (
    update(INBOUND)
    .where(INBOUND.c.id == bindparam("inbound_id"), INBOUND.c.status == "received")
    .values(status="handled")
    .returning(INBOUND.c.id)
)
MARK_HANDLED = (
    update(INBOUND)
    .where(INBOUND.c.id == bindparam("inbound_id"))
    .values(
        intent=bindparam("found_intent"),
        language=bindparam("found_language"),
        handled_at=bindparam("done_at"),
    )
)


def log_once(session: Session, inbound: InboundMessage, status: str = "received") -> int | None:
    """Insert the inbound log row; None when (channel, provider message id) was seen before.

    An adapter that answers a message itself (a linking command) logs it as "handled"."""
    return insert_unless_present(
        session,
        InboundLog,
        channel=inbound.channel,
        provider_message_id=inbound.provider_message_id,
        sender_id=inbound.sender_id,
        text=inbound.text,
        choice_id=inbound.choice_id,
        received_at=inbound.received_at,
        status=status,
        handled_at=inbound.received_at if status == "handled" else None,
    )


def waiting(session: Session, limit: int) -> list[tuple[int, InboundMessage]]:
    """Kept messages whose turn has not run, oldest first, with their log ids."""
    return [
        (
            row.id,
            InboundMessage(
                channel=row.channel,
                sender_id=row.sender_id,
                text=row.text,
                provider_message_id=row.provider_message_id,
                received_at=row.received_at,
                choice_id=row.choice_id,
            ),
        )
        for row in session.execute(RECEIVED, {"limit": limit})
    ]


def claim(session: Session, inbound_id: int) -> bool:
    """Take the message for this turn (first in its transaction, so a second turns process
    waits on the row and then finds it handled); False when it was taken already."""
    return session.scalar(CLAIM, {"inbound_id": inbound_id}) is not None


def mark_handled(session: Session, inbound_id: int, found: Understanding, at: datetime) -> None:
    """What the turn understood, and when it finished (its transaction commits next)."""
    values = {"found_intent": found.intent.value, "found_language": found.language, "done_at": at}
    session.execute(MARK_HANDLED, {"inbound_id": inbound_id, **values})
