"""Sending messages into a real Engine the way an adapter would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Conversation
from bot.pipeline.engine import Engine, TurnResult
from bot.types import InboundMessage

_ids = itertools.count(1)
SARAH = "+447700900101"  # Maya's mum in the demo nursery


def inbound(
    text: str,
    message_id: str,
    *,
    sender: str = SARAH,
    channel: str = "sms",
    choice_id: str | None = None,
) -> InboundMessage:
    """A message as an adapter parses it, received now (from Sarah by SMS unless told)."""
    return InboundMessage(
        channel=channel,
        sender_id=sender,
        text=text,
        provider_message_id=message_id,
        received_at=datetime.now(UTC),
        choice_id=choice_id,
    )


def say(
    engine: Engine,
    sender: str,
    text: str,
    *,
    channel: str = "sms",
    choice_id: str | None = None,
    message_id: str | None = None,
) -> TurnResult:
    """One inbound message through the whole pipeline; fails the test on a duplicate."""
    message_id = message_id or f"test-{next(_ids)}"
    result = engine.receive(
        inbound(text, message_id, sender=sender, channel=channel, choice_id=choice_id)
    )
    assert result is not None, "message was treated as a duplicate"
    return result


def reply_text(result: TurnResult) -> str:
    """All reply texts and choice labels of a turn, as one string."""
    return "\n".join(
        reply.text + " " + " ".join(c.label for c in reply.choices) for reply in result.replies
    )


def conversation(sessions: sessionmaker[Session]) -> tuple[str, dict[str, Any]]:
    """The state and context of the only conversation in the database."""
    with sessions() as session:
        row = session.scalars(select(Conversation)).one()
        return row.state, row.context
