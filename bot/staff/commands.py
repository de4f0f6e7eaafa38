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


Command = Help | Register | Arrived | Acknowledge | ReplyToParent | BroadcastCommand


def parse(text: str) -> Command:
    """One staff message -> one command; anything not understood is Help."""
    message = _message(text) or parse_broadcast(text)
    if message is not None:
        return message
    words = text.strip().rstrip(".!").split(maxsplit=1)
    if not words:
        return Help()
    verb, rest = words[0].casefold(), (words[1] if len(words) > 1 else "")
    if verb in ("register", "today") and not rest:
        return Register()
    if verb in ("arrived", "in", "arrival") and rest.strip():
        names = tuple(name for name in _SPLIT.split(rest.strip()) if name)
        return Arrived(names) if names else Help()
    if verb in ("ack", "acknowledge", "seen"):
        match = _NOTICE.match(rest.strip())
        if match:
            return Acknowledge(match.group(1).upper(), int(match.group(2)))
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
