"""How a delivery outcome settles an outbox row: provider status callbacks (forward only) and
failures, with the fallback to a guardian's next channel when the reason allows one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity, Outbox
from bot.outbound.channel import OPTED_OUT, OUTSIDE_WINDOW
from bot.outbound.optout import next_channel, set_opt_out
from bot.outbound.outbox import UNDELIVERABLE
from bot.pipeline.identity import find_identity

FALLBACK_ERRORS = frozenset({OPTED_OUT, OUTSIDE_WINDOW})
# Forward-only status progress; provider statuses (Twilio callbacks) share the ladder.
PROGRESS = {
    "pending": 0,
    "claimed": 1,
    "sending": 1,
    "accepted": 2,
    "scheduled": 2,
    "queued": 2,
    "sent": 3,
    "delivered": 4,
    "read": 5,
}

TERMINAL = frozenset({"failed", "undelivered", "canceled", "unknown", "dead", UNDELIVERABLE})


def apply_status(
    session: Session, provider_message_id: str, status: str, error: str | None = None
) -> bool:
    """Apply a provider's status callback forward-only; True if the row changed.

    Callbacks arrive out of order: a status only replaces a lower one, and terminal statuses
    (failed, undelivered, ...) are final. A failure whose `error` is a fallback reason sends the
    message on through the guardian's next channel.
    """
    row = session.scalar(
        select(Outbox).where(Outbox.provider_message_id == provider_message_id).with_for_update()
    )
    if row is None or row.status in TERMINAL:
        return False
    if status in TERMINAL:
        fail_row(session, row, error or status, status=status)
        return True
    if PROGRESS.get(status, -1) <= PROGRESS.get(row.status, 0):
        return False
    row.status = status
    return True


def fail_row(session: Session, row: Outbox, error: str, status: str = "failed") -> None:
    """Mark a row failed; an opted-out recipient is recorded; a fallback reason re-routes it."""
    row.status, row.last_error = status, error
    if error == OPTED_OUT:
        identity = find_identity(session, row.channel, row.recipient_id) or ChannelIdentity(
            channel=row.channel,
            external_id=row.recipient_id,
            guardian_id=row.guardian_id,
            staff_id=row.staff_id,
        )
        session.add(identity)
        set_opt_out(session, identity, True)
    if error not in FALLBACK_ERRORS or row.guardian_id is None:
        return
    target = next_channel(session, row.guardian_id, row.channel)
    if target is None:
        row.last_error = f"{error}; no other channel"
        return
    session.add(_copy_to(row, *target))


def _copy_to(row: Outbox, channel: str, recipient_id: str) -> Outbox:
    """The same message, addressed to another channel identity."""
    fields: dict[str, Any] = {
        name: getattr(row, name)
        for name in ("kind", "text", "choices", "guardian_id", "staff_id", "inbound_id")
    }
    return Outbox(channel=channel, recipient_id=recipient_id, status="pending", **fields)
