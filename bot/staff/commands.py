"""Parsing staff chat commands and matching children by name: pure, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.staff.broadcast_commands import BroadcastCommand, parse_broadcast
from bot.types import ChildRef

_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\+)\s*", re.IGNORECASE)
_NOTICE = re.compile(r"^([ac])\s*(\d+)$", re.IGNORECASE)
_HANDOFF = re.compile(r"^h?\s*(\d+)\s*[:,-]?\s+(\S.*)$", re.IGNORECASE | re.DOTALL)
_HANDOFF_REF = re.compile(r"^h\s*(\d{1,9})$", re.IGNORECASE)
_PASS = re.compile(r"^h\s*(\d{1,9})\s+to\s+(\S.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Help:
    """Show the staff commands."""


@dataclass(frozen=True, slots=True)
class Register:
    """Today's register."""


@dataclass(frozen=True, slots=True)
class Arrived:
    """Mark these children in (names as staff typed them)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Acknowledge:
    """Acknowledge a notice: kind "A" (absence) or "C" (collection change), and its id."""

    kind: str
    notice_id: int

    @property
    def ref(self) -> str:
        return f"{self.kind}{self.notice_id}"


@dataclass(frozen=True, slots=True)
class ReplyToParent:
    """Answer the parent behind handoff H<id> with `text` (English, as staff wrote it)."""

    handoff_id: int
    text: str

    @property
    def ref(self) -> str:
        return f"H{self.handoff_id}"


@dataclass(frozen=True, slots=True)
class MeetingCommand:
    """A meeting command (bot/staff/meetings.py): `meetings` (this week's), `free Tue
    16:00-18:00`, `busy Thu`, `offer H7 Thu 18:15`, `cancel M3`, `move M3 Thu 16:00`."""

    verb: str  # meetings, free, busy, offer, cancel, move
    ref: int | None = None  # H7's or M3's number
    day: str = ""  # free / busy: the weekday as typed
    rest: str = ""  # free: the times; offer / move: the day and time as typed


@dataclass(frozen=True, slots=True)
class AskForAnswer:
    """Staff tapped Reply on handoff H<id>'s alert: their next message is the answer."""

    handoff_id: int

    @property
    def ref(self) -> str:
        return f"H{self.handoff_id}"


@dataclass(frozen=True, slots=True)
class CancelAnswer:
    """Staff asked to answer a handoff and changed their mind: nothing is sent."""


@dataclass(frozen=True, slots=True)
class Close:
    """Close handoff H<id> without a reply (dealt with another way)."""

    handoff_id: int

    @property
    def ref(self) -> str:
        return f"H{self.handoff_id}"


@dataclass(frozen=True, slots=True)
class PassOn:
    """Route handoff H<id> to another member of staff, named as staff typed it, or by their
    staff id when `to_id` is set (the dashboard's list)."""

    handoff_id: int
    to: str
    to_id: int | None = None

    @property
    def ref(self) -> str:
        return f"H{self.handoff_id}"


@dataclass(frozen=True, slots=True)
class PlanEvening:
    """Plan a parents' evening from the command's words (managers only; bot/evenings/command.py
    reads them)."""

    text: str


@dataclass(frozen=True, slots=True)
class EveningDecision:
    """Send ("send") or drop ("cancel") draft parents' evening E<id>: the preview's choices
    `evening:send:<id>` / `evening:cancel:<id>`, or typed "send evening 3"; or see who has not
    answered its poll yet ("status": "evening 3")."""

    action: str
    evening_id: int


Command = (
    Help
    | Register
    | Arrived
    | Acknowledge
    | ReplyToParent
    | BroadcastCommand
    | MeetingCommand
    | AskForAnswer
    | CancelAnswer
    | Close
    | PassOn
    | PlanEvening
    | EveningDecision
)

_EVENING = re.compile(r"^\s*parents'?\s*evening\b", re.IGNORECASE)
_DECISION = re.compile(
    r"^\s*(?:evening:(send|cancel):(\d+)|(send|cancel)\s+evening\s+e?(\d+))\s*$", re.IGNORECASE
)
_STATUS = re.compile(r"^\s*evening\s+e?(\d+)\s*$", re.IGNORECASE)


def parse(text: str) -> Command:
    """One staff message -> one command; anything not understood is Help."""
    message = _message(text) or parse_broadcast(text)
    if message is not None:
        return message
    if _EVENING.match(text):
        return PlanEvening(text.strip())
    decision = _DECISION.match(text)
    if decision:
        action = (decision[1] or decision[3]).casefold()
        return EveningDecision(action, int(decision[2] or decision[4]))
    status = _STATUS.match(text)
    if status:
        return EveningDecision("status", int(status[1]))
    words = text.strip().rstrip(".!").split(maxsplit=1)
    if not words:
        return Help()
    verb, rest = words[0].casefold(), (words[1] if len(words) > 1 else "")
    if verb in ("register", "today") and not rest:
        return Register()
    if verb in ("arrived", "in", "arrival") and rest.strip():
        names = tuple(name for name in _SPLIT.split(rest.strip()) if name)
        return Arrived(names) if names else Help()
    meeting = _meeting(verb, rest.strip())
    if meeting is not None:
        return meeting
    if verb in ("ack", "acknowledge", "seen"):
        match = _NOTICE.match(rest.strip())
        if match:
            return Acknowledge(match.group(1).upper(), int(match.group(2)))
    return _handoff_command(verb, rest.strip())


def _handoff_command(verb: str, rest: str) -> Command:
    """Close ("close H12") and PassOn ("pass H12 to Sam Patel"); Help for anything else."""
    if verb == "close" and (match := _HANDOFF_REF.match(rest)):
        return Close(int(match.group(1)))
    if verb in ("pass", "reassign") and (match := _PASS.match(rest)):
        return PassOn(int(match.group(1)), " ".join(match.group(2).split()))
    return Help()


def _message(text: str) -> ReplyToParent | None:
    """A reply to a parent ("reply H12 ..."), its words kept exactly (broadcasts: see
    bot.staff.broadcast_commands)."""
    words = text.strip().split(maxsplit=1)
    if len(words) < 2:
        return None
    verb, rest = words[0].casefold(), words[1].strip()
    if verb == "reply":
        match = _HANDOFF.match(rest)
        return ReplyToParent(int(match.group(1)), match.group(2).strip()) if match else None
    return None


_REF = re.compile(r"^([hm])\s*(\d{1,9})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _meeting(verb: str, rest: str) -> MeetingCommand | None:
    """`meetings`, `free Tue 16:00-18:00`, `busy Thu`, `offer H7 Thu 18:15`, `cancel M3`,
    `move M3 Thu 16:00`; None when it is none of them."""
    if verb == "meetings" and not rest:
        return MeetingCommand("meetings")
    if verb in ("free", "busy") and rest:
        day, _, times = rest.partition(" ")
        return MeetingCommand(verb, day=day, rest=times.strip())
    found = _REF.match(rest)
    wanted = {"offer": "h", "cancel": "m", "move": "m"}.get(verb)
    if found is None or wanted is None or found.group(1).casefold() != wanted:
        return None
    if verb != "cancel" and not found.group(3).strip():
        return None
    return MeetingCommand(verb, int(found.group(2)), rest=found.group(3).strip())


def match_children(children: Iterable[ChildRef], name: str) -> list[ChildRef]:
    """Children whose first, known-as or full name is `name` (case-insensitive)."""
    wanted = " ".join(name.casefold().split())
    found = []
    for child in children:
        first_names = {child.first_name.casefold()}
        if child.known_as:
            first_names.add(child.known_as.casefold())
        full_names = {f"{first} {child.last_name.casefold()}" for first in first_names}
        if wanted in first_names | full_names:
            found.append(child)
    return found
