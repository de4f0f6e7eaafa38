"""Which claimable outbox rows a delivery worker may take so that each recipient's messages
leave in the order they were queued, with several workers on PostgreSQL.

A worker claims due rows with FOR UPDATE SKIP LOCKED (bot/outbound/delivery.py). A recipient's
row is held back while an older row of the same recipient (channel and recipient id) is in
another worker's hands: claimed with a live lease, being sent, or due and locked by a claim
running at the same moment. Rows the worker holds itself, or claims in the same batch, never
hold it back (its own tasks start in id order). A pending row waiting for a later retry does
not hold back newer ones (as with one worker).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity, Outbox

Candidate = tuple[int, str, str]  # (outbox id, channel, recipient id)


def in_recipient_order(
    session: Session,
    candidates: Sequence[Candidate],
    held: Collection[int],
    now: datetime,
    lease: timedelta,
) -> list[int]:
    """The candidates' ids that no older row of their recipient in other hands holds back (a
    row "sending" for longer than a lease belonged to a crashed worker: it holds nothing)."""
    if not candidates:
        return []
    recipients = {(channel, recipient) for _, channel, recipient in candidates}
    mine = set(held) | {outbox_id for outbox_id, _, _ in candidates}
    in_other_hands = or_(
        and_(Outbox.status == "sending", Outbox.next_attempt_at > now - lease),
        and_(Outbox.status == "claimed", Outbox.next_attempt_at > now),
        and_(Outbox.status.in_(("pending", "claimed")), Outbox.next_attempt_at <= now),
    )
    older = session.execute(
        select(Outbox.channel, Outbox.recipient_id, func.min(Outbox.id))
        .where(
            tuple_(Outbox.channel, Outbox.recipient_id).in_(sorted(recipients)),
            Outbox.id.not_in(sorted(mine)),
            in_other_hands,
        )
        .group_by(Outbox.channel, Outbox.recipient_id)
    )
    oldest = {(channel, recipient): first for channel, recipient, first in older}
    return [
        outbox_id
        for outbox_id, channel, recipient in candidates
        if outbox_id < oldest.get((channel, recipient), outbox_id + 1)
    ]


def count(result: Any) -> int:
    """Rows an UPDATE changed."""
    return int(getattr(result, "rowcount", 0) or 0)


def opted_out(session: Session, rows: Any) -> set[tuple[str, str]]:
    """Which (channel, recipient) pairs among the rows are opted out."""
    recipients = {row.recipient_id for row in rows}
    if not recipients:
        return set()
    found = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
            ChannelIdentity.opted_out.is_(True), ChannelIdentity.external_id.in_(recipients)
        )
    ).all()
    return {(channel, external_id) for channel, external_id in found}
