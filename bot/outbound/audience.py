"""Whom a broadcast reaches: the guardians of the children in some rooms (or every family)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Broadcast, Child, GuardianChild, Room


def rooms_guardian_ids(session: Session, setting_id: int, rooms: Sequence[str]) -> list[int] | None:
    """The guardians of these rooms' children (None, every family, when no room is named).
    Raises LookupError naming a room the setting does not have."""
    if not rooms:
        return None
    found: dict[int, None] = {}
    for room in rooms:
        ids = room_guardian_ids(session, setting_id, room)
        if ids is None:
            raise LookupError(f"There is no room called {room!r}.")
        found |= dict.fromkeys(ids)
    return sorted(found)


def room_guardian_ids(session: Session, setting_id: int, room_name: str) -> list[int] | None:
    """The guardians of the children in the room called `room_name` (any case); None when the
    setting has no such room."""
    room = session.scalar(
        select(Room).where(
            Room.setting_id == setting_id, func.lower(Room.name) == room_name.strip().lower()
        )
    )
    if room is None:
        return None
    return list(
        session.scalars(
            select(GuardianChild.guardian_id)
            .join(Child, Child.id == GuardianChild.child_id)
            .where(Child.room_id == room.id)
            .distinct()
            .order_by(GuardianChild.guardian_id)
        )
    )


def children_in_scope(session: Session, row: Broadcast, guardian_id: int) -> list[Child]:
    """The guardian's children the request is about (its rooms', or all of theirs)."""
    query = (
        select(Child)
        .join(GuardianChild, GuardianChild.child_id == Child.id)
        .where(GuardianChild.guardian_id == guardian_id)
        .order_by(Child.first_name, Child.id)
    )
    if row.rooms:
        names = [room.casefold() for room in row.rooms]
        rooms = select(Room).where(Room.setting_id == row.setting_id)
        ids = [r.id for r in session.scalars(rooms) if r.name.casefold() in names]
        query = query.where(Child.room_id.in_(ids))
    return list(session.scalars(query))
