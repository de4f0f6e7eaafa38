"""What the meeting flow may read about meetings, as plain values and look-ups (the engine fills
them from the database; the flow never opens a session)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.meetings.availability import Slot

SLOT = "meeting:slot:"  # + opaque slot token
NONE = "meeting:none"
MOVE = "meeting:move:"  # + meeting id (or NEW before it is written)
CANCEL = "meeting:cancel:"  # + meeting id
OFFER = "meeting:offer:"  # + handoff id "." slot token: a time staff offered by `offer H7 ...`
MODE = "meeting:mode:"  # + in_person / phone / video
NEW = "new"  # stands for the id of the meeting this step books (filled in after applying)


@dataclass(frozen=True, slots=True)
class MeetingView:
    """One of the sender's booked meetings, whatever booked it (a key-person meeting, a
    parents' evening slot)."""

    id: int
    staff: str
    start: datetime
    end: datetime
    child_ids: tuple[int, ...]
    mode: str = "in_person"
    source: str = "key_person"
    attending: bool = True  # the sender is one of its guardians (else: their child's, another's)


@dataclass(frozen=True, slots=True)
class StaffOffer:
    """A time a member of staff offered the sender by `offer H7 Thu 18:15`, still open."""

    handoff_id: int
    staff_id: int
    staff: str
    child_id: int | None
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Meetings:
    """The flow's look-ups: free slots of a member of staff (by name; all of them, in time
    order, from the setting's earliest bookable moment to its horizon), the sender's booked
    meetings still to come, a member of staff named in a message, and an offer a choice
    names."""

    free: Callable[[str], tuple[Slot, ...]] = lambda _staff: ()
    upcoming: Callable[[], tuple[MeetingView, ...]] = lambda: ()
    staff_named: Callable[[str], str | None] = lambda _text: None
    offer: Callable[[str], StaffOffer | None] = lambda _choice_id: None
    staff_id: Callable[[str], int | None] = lambda _staff: None


def slot_token(staff_id: int, start: datetime) -> str:
    """A slot as a choice carries it: the staff member and the start, in minutes (base 36)."""
    return f"{staff_id}.{_base36(int(start.timestamp()) // 60)}"


def token_minutes(token: str) -> tuple[int, int] | None:
    """(staff id, start in minutes since the epoch) from a slot token; None when malformed."""
    staff, _, minutes = token.partition(".")
    try:
        return int(staff), int(minutes, 36)
    except ValueError:
        return None


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"
