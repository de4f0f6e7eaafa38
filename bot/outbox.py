"""Writing to the outbox: every message the bot sends starts here, inside the turn's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.models import ChannelIdentity, Guardian, Outbox, Staff
from bot.types import Reply

# A plain table statement built once: no ORM bookkeeping for rows only the worker reads back.
ENQUEUE = insert(Outbox.__table__).returning(Outbox.__table__.c.id)


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
) -> int:
    """Add one pending outbound message (its id); the delivery worker sends it after commit."""
    values = {
        "channel": channel,
        "recipient_id": recipient_id,
        "kind": kind,
        "text": reply.text,
        "choices": [{"id": choice.id, "label": choice.label} for choice in reply.choices],
        "guardian_id": guardian_id,
        "staff_id": staff_id,
        "inbound_id": inbound_id,
    }
    return int(session.scalar(ENQUEUE, values))


def staff_addresses(session: Session, members: list[Staff]) -> dict[int, tuple[str, str]]:
    """Where to reach each member of staff (one query): the channel they last wrote from, else
    SMS to their phone; members with neither are left out."""
    return _addresses(session, ChannelIdentity.staff_id, members)


def guardian_addresses(session: Session, guardians: list[Guardian]) -> dict[int, tuple[str, str]]:
    """Where to reach each guardian (one query), as `staff_addresses` does for staff."""
    return _addresses(session, ChannelIdentity.guardian_id, guardians)


def _addresses(
    session: Session, column: InstrumentedAttribute[int | None], people: Sequence[Staff | Guardian]
) -> dict[int, tuple[str, str]]:
    identities = session.scalars(
        select(ChannelIdentity)
        .where(column.in_([person.id for person in people]), ChannelIdentity.opted_out.is_(False))
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id)
    )
    found: dict[int, tuple[str, str]] = {}
    for identity in identities:
        person_id = getattr(identity, column.key)
        if person_id is not None:
            found.setdefault(person_id, (identity.channel, identity.external_id))
    for person in people:
        if person.id not in found and person.phone:
            found[person.id] = ("sms", person.phone)
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
