"""Writing to the outbox: every message the bot sends starts here, inside the turn's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity, Outbox, Staff
from bot.types import Reply


def enqueue(
    session: Session,
    channel: str,
    recipient_id: str,
    reply: Reply,
    *,
    kind: str = "reply",
    guardian_id: int | None = None,
    staff_id: int | None = None,
    inbound_id: int | None = None,
) -> Outbox:
    """Add one pending outbound message; the delivery worker sends it after commit."""
    row = Outbox(
        channel=channel,
        recipient_id=recipient_id,
        kind=kind,
        text=reply.text,
        choices=[{"id": choice.id, "label": choice.label} for choice in reply.choices],
        guardian_id=guardian_id,
        staff_id=staff_id,
        inbound_id=inbound_id,
    )
    session.add(row)
    return row


def staff_address(session: Session, staff: Staff) -> tuple[str, str] | None:
    """Where to reach a member of staff: their last-used channel, else SMS to their phone."""
    identity = session.scalar(
        select(ChannelIdentity)
        .where(ChannelIdentity.staff_id == staff.id, ChannelIdentity.opted_out.is_(False))
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last())
        .limit(1)
    )
    if identity is not None:
        return identity.channel, identity.external_id
    return ("sms", staff.phone) if staff.phone else None


def mark_shown(session: Session, inbound_id: int, channel: str) -> None:
    """Replies a synchronous channel (web chat, terminal) has already shown count as delivered."""
    rows = session.scalars(
        select(Outbox).where(
            Outbox.inbound_id == inbound_id,
            Outbox.channel == channel,
            Outbox.status == "pending",
            Outbox.kind == "reply",
        )
    )
    for row in rows:
        row.status, row.attempts = "delivered", row.attempts + 1


def take_pending(session: Session, channel: str, recipient_id: str) -> list[Outbox]:
    """Pending messages for one recipient of a pull channel (web chat inbox), now delivered."""
    rows = list(
        session.scalars(
            select(Outbox)
            .where(
                Outbox.channel == channel,
                Outbox.recipient_id == recipient_id,
                Outbox.status == "pending",
            )
            .order_by(Outbox.id)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.status, row.attempts = "delivered", row.attempts + 1
    return rows
