"""Sending messages into a real Engine the way an adapter would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from bot.engine import Engine, TurnResult
from bot.types import InboundMessage

_ids = itertools.count(1)


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
    result = engine.receive(
        InboundMessage(
            channel=channel,
            sender_id=sender,
            text=text,
            provider_message_id=message_id or f"test-{next(_ids)}",
            received_at=datetime.now(UTC),
            choice_id=choice_id,
        )
    )
    assert result is not None, "message was treated as a duplicate"
    return result


def reply_text(result: TurnResult) -> str:
    """All reply texts and choice labels of a turn, as one string."""
    return "\n".join(
        reply.text + " " + " ".join(c.label for c in reply.choices) for reply in result.replies
    )
