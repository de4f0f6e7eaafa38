"""Changes the parents' evening asks for: from the manager's commands, a guardian's answer, and
the reminder and scheduling jobs. Decided in bot/evenings and bot/flows/evening.py; applied by
bot/recording/evenings.py (matched in bot/recording/apply.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.types import Reply


@dataclass(frozen=True, slots=True)
class CreateEvening:
    """Keep the evening as a draft; the preview (with its id filled in) is the manager's reply,
    with Send and Cancel."""

    spec: dict[str, Any]  # EveningSpec.to_json()
    preview: str  # staff text with "{id}" still to fill


@dataclass(frozen=True, slots=True)
class AskPoll:
    """The poll to one guardian about these children, in their language; their conversation then
    waits for the answer (bot/flows/evening.py)."""

    guardian_id: int
    child_ids: tuple[int, ...]
    question: Reply
    labels: tuple[str, ...]  # the options as this guardian reads them, numbered from 1


@dataclass(frozen=True, slots=True)
class SendEvening:
    """Open the evening's poll (its options: value and English label) and ask every guardian."""

    evening_id: int
    options: tuple[tuple[str, str], ...]
    asks: tuple[AskPoll, ...]
    report: str  # the manager's reply
    at: datetime


@dataclass(frozen=True, slots=True)
class CancelEvening:
    """Drop a draft evening."""

    evening_id: int


@dataclass(frozen=True, slots=True)
class AnswerEvening:
    """A guardian's choice of options (numbered from 1): `add` adds them to their answer (a
    button tapped), else they replace it (a numbered list answered)."""

    evening_id: int
    positions: tuple[int, ...]
    add: bool = False


@dataclass(frozen=True, slots=True)
class RemindEvening:
    """Remind a guardian who has not answered (once), the poll asked again."""

    evening_id: int
    ask: AskPoll
    at: datetime


@dataclass(frozen=True, slots=True)
class BookedSlot:
    """One meeting the solver placed."""

    staff_id: int
    child_ids: tuple[int, ...]
    guardian_ids: tuple[int, ...]
    start: datetime
    end: datetime
    mode: str  # in_person, phone


@dataclass(frozen=True, slots=True)
class ScheduleEvening:
    """Book the evening's slots, tell each family theirs and each member of staff their list."""

    evening_id: int
    slots: tuple[BookedSlot, ...]
    families: tuple[tuple[int, Reply], ...]  # guardian id, their message
    staff_lists: tuple[tuple[int, str], ...]  # staff id, their list
    at: datetime


@dataclass(frozen=True, slots=True)
class EveningHandoff:
    """The sender can't make ("cant") their slot, or no other time is free ("move"): each key
    person they meet is asked to find another time with them, and they are told so."""

    evening_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class MoveSlot:
    """The sender asks to move their slots: with `first` None, offer the free blocks that keep
    their meetings back to back; else move them to the block starting at grid slot `first`."""

    evening_id: int
    first: int | None = None


EveningEffect = (
    CreateEvening
    | SendEvening
    | CancelEvening
    | AnswerEvening
    | RemindEvening
    | ScheduleEvening
    | EveningHandoff
    | MoveSlot
)
