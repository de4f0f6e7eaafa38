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


def staff_addresses(session: Session, members: list[Staff]) -> dict[int, tuple[str, str]]:
    """Where to reach each member of staff (one query): the channel they last wrote from, else
    SMS to their phone; members with neither are left out."""
    identities = session.scalars(
        select(ChannelIdentity)
        .where(
            ChannelIdentity.staff_id.in_([member.id for member in members]),
            ChannelIdentity.opted_out.is_(False),
        )
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id)
    )
    found: dict[int, tuple[str, str]] = {}
    for identity in identities:
        if identity.staff_id is not None:
            found.setdefault(identity.staff_id, (identity.channel, identity.external_id))
    for member in members:
        if member.id not in found and member.phone:
            found[member.id] = ("sms", member.phone)
    return found


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
