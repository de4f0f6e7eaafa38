"""The Broadcasts screen's data, plain: who may use it, the broadcasts a viewer may see, and how
far one got with each family (the same rows `parentbot broadcast-status` prints)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    DRAFT,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Guardian,
    Outbox,
    Room,
    Setting,
)
from bot.staff.access import Viewer
from bot.staff.broadcasts import KEY_PERSONS_OPTION
from bot.staff.roles import KEY_PERSON, MANAGER


@dataclass(frozen=True, slots=True)
class FamilyStatus:
    """One family's copy of one occurrence: what the channel said and what followed."""

    slot: str
    guardian: str
    channel: str
    notes: tuple[str, ...]  # sent / delivered / read / failed / ..., confirmed, resent, call task


@dataclass(frozen=True, slots=True)
class BroadcastStatus:
    """A broadcast and each family's status, with totals."""

    broadcast: Broadcast
    families: tuple[FamilyStatus, ...]
    totals: tuple[tuple[str, int], ...]


def own_room(session: Session, viewer: Viewer) -> str | None:
    """The viewer's room's name, if they have one."""
    room = session.get(Room, viewer.room_id) if viewer.room_id is not None else None
    return room.name if room else None


def may_broadcast(viewer: Viewer, setting: Setting) -> bool:
    """The chat's rule: managers; key persons (to their own room) when the setting allows."""
    if viewer.holds(MANAGER):
        return True
    allowed = bool(setting.options.get(KEY_PERSONS_OPTION))
    return allowed and viewer.holds(KEY_PERSON) and viewer.room_id is not None


def may_see(viewer: Viewer, row: Broadcast, room: str | None) -> bool:
    """Managers see every broadcast; a key person those sent to their own room alone."""
    if viewer.holds(MANAGER):
        return True
    return room is not None and [r.casefold() for r in row.rooms] == [room.casefold()]


def visible_broadcasts(session: Session, setting: Setting, viewer: Viewer) -> list[Broadcast]:
    """The setting's broadcasts (not drafts) the viewer may see, newest first."""
    room = own_room(session, viewer)
    rows = session.scalars(
        select(Broadcast)
        .where(Broadcast.setting_id == setting.id, Broadcast.status != DRAFT)
        .order_by(Broadcast.id.desc())
        .limit(200)
    )
    return [row for row in rows if may_see(viewer, row, room)]


def broadcast_status(session: Session, setting_id: int, broadcast_id: int) -> BroadcastStatus:
    """Per family: the channel, what the channel said (sent, delivered, read, failed, ...),
    confirmed ("Got it"), resent by SMS, in a call task. Raises LookupError for an unknown id."""
    row = session.get(Broadcast, broadcast_id)
    if row is None or row.setting_id != setting_id:
        raise LookupError(f"There is no broadcast B{broadcast_id}.")
    found = session.execute(
        select(BroadcastOccurrence.slot, Guardian.name, BroadcastRecipient, Outbox.status)
        .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
        .join(Guardian, Guardian.id == BroadcastRecipient.guardian_id)
        .outerjoin(Outbox, Outbox.id == BroadcastRecipient.outbox_id)
        .where(BroadcastOccurrence.broadcast_id == row.id)
        .order_by(BroadcastOccurrence.slot, Guardian.name)
    ).all()
    counts: Counter[str] = Counter()
    families = []
    for slot, name, recipient, status in found:
        notes = [status or "deleted"]
        notes += ["confirmed"] if recipient.confirmed_at else []
        notes += ["resent by SMS"] if recipient.resent_at else []
        notes += ["in a call task"] if recipient.escalated_at else []
        counts.update(notes)
        families.append(FamilyStatus(slot[:16], name, recipient.channel, tuple(notes)))
    return BroadcastStatus(row, tuple(families), tuple(sorted(counts.items())))
