"""The inbound log: every message received, kept once, then claimed and marked by its turn.

Its rows with status "received" are the turns processes' queue, oldest first. The hot statements
are plain table statements, built once: no ORM bookkeeping for rows a turn never loads.

Many turns processes on PostgreSQL: a turn first takes its conversation's advisory lock (keyed by
channel and sender) for its transaction, so no two turns of one conversation ever run at once and
a crashed process's claim goes with its transaction. A queued turn only tries that lock (a turns
process skips a conversation another is answering and takes the next) and claims a message only
when no older message of its conversation still waits, so each conversation is answered in the
order its messages were kept. SQLite has one writer at a time and one turns process.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from hashlib import blake2b

from sqlalchemy import bindparam, exists, func, select, update
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
OLDER = INBOUND.alias("older")
CLAIM_IN_ORDER = (
    update(INBOUND)
    .where(
        INBOUND.c.id == bindparam("inbound_id"),
        INBOUND.c.status == "received",
        ~exists().where(
            OLDER.c.status == "received",
            OLDER.c.id < INBOUND.c.id,
            OLDER.c.channel == INBOUND.c.channel,
            OLDER.c.sender_id == INBOUND.c.sender_id,
        ),
    )
    .values(status="handled")
    .returning(INBOUND.c.id)
)
CLAIM_HELD_IN_ORDER = CLAIM_IN_ORDER.where(  # PostgreSQL: trying the lock in the same statement
    func.pg_try_advisory_xact_lock(bindparam("key"))
)
LOCK_CONVERSATION = select(func.pg_advisory_xact_lock(bindparam("key")))
TRY_CONVERSATION = select(func.pg_try_advisory_xact_lock(bindparam("key")))
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


Conversation = tuple[str, str]  # (channel, sender id)
Kept = tuple[int, InboundMessage]


def claim(session: Session, inbound_id: int, inbound: InboundMessage, queued: bool) -> bool:
    """Take the message for this turn, first in its transaction, with its conversation held to
    the end of it. A message answered at once waits for its conversation; a `queued` one only
    tries, and is taken only when no older message of its conversation waits. False when it was
    not taken: another turn has it or its conversation, or an older message comes first."""
    conversation = (inbound.channel, inbound.sender_id)
    if queued and session.get_bind().dialect.name == "postgresql":  # one round trip
        key = conversation_key(conversation)
        return (
            session.scalar(CLAIM_HELD_IN_ORDER, {"inbound_id": inbound_id, "key": key}) is not None
        )
    if not hold_conversation(session, conversation, wait=not queued):
        return False
    statement = CLAIM_IN_ORDER if queued else CLAIM
    return session.scalar(statement, {"inbound_id": inbound_id}) is not None


def hold_conversation(session: Session, conversation: Conversation, wait: bool) -> bool:
    """PostgreSQL: the conversation's advisory lock until the transaction ends (waiting for it,
    or only trying); False when another transaction holds it. SQLite: one writer, always True."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = {"key": conversation_key(conversation)}
    if wait:
        session.execute(LOCK_CONVERSATION, key)
        return True
    return bool(session.scalar(TRY_CONVERSATION, key))


def conversation_key(conversation: Conversation) -> int:
    """A stable signed 64-bit advisory lock key for (channel, sender id)."""
    digest = blake2b("\x1f".join(conversation).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def by_conversation(kept: Sequence[Kept], spread: bool = False) -> list[list[Kept]]:
    """Kept messages grouped by conversation, each group in order, groups by their oldest
    message; `spread` starts at a random group (turns processes reading the same queue then
    rarely reach for the same conversation), the order between conversations being free."""
    groups: dict[Conversation, list[Kept]] = {}
    for inbound_id, inbound in kept:
        groups.setdefault((inbound.channel, inbound.sender_id), []).append((inbound_id, inbound))
    ordered = list(groups.values())
    if spread and ordered:
        start = random.randrange(len(ordered))
        ordered = ordered[start:] + ordered[:start]
    return ordered


def mark_handled(session: Session, inbound_id: int, found: Understanding, at: datetime) -> None:
    """What the turn understood, and when it finished (its transaction commits next)."""
    values = {"found_intent": found.intent.value, "found_language": found.language, "done_at": at}
    session.execute(MARK_HANDLED, {"inbound_id": inbound_id, **values})
