"""Changes a flow asks for. The engine applies them in the turn's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.evenings.effects import AnswerEvening, EveningHandoff, MoveSlot


@dataclass(frozen=True, slots=True)
class RecordAbsence:
    """Mark children absent over an inclusive range of open days."""

    child_ids: tuple[int, ...]
    start: date
    end: date
    reason: str
    symptoms: tuple[str, ...] = ()
    words: str = ""  # what the parent wrote, quoted to staff


@dataclass(frozen=True, slots=True)
class RecordCollectionChange:
    """Someone else collects, or the guardian is late, on one day."""

    child_ids: tuple[int, ...]
    on_date: date
    collector_name: str | None = None
    collector_relationship: str | None = None
    collect_time: str | None = None
    minutes_late: int | None = None
    authorised: bool = False  # the named collector is on every child's list
    words: str = ""  # what the parent wrote, quoted to staff


@dataclass(frozen=True, slots=True)
class WithdrawNotice:
    """Withdraw the sender's notice with these refs ("A12", "C7"), and tell the children's staff."""

    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CiteNotice:
    """A notice the reply is about, listed as it now stands (for simulate's `records`)."""

    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AbsenceAfterArrival:
    """An absence reported for a child already signed in today: nothing is recorded, the child's
    staff are told (the parent is asked whether it is about another day)."""

    child_id: int
    signed_in: str  # "08:02", the arrival's local time
    words: str = ""  # what the parent wrote, quoted to staff


@dataclass(frozen=True, slots=True)
class CreateHandoff:
    """A question or concern a person on the staff must answer."""

    kind: str  # concern, other, policy_unanswered, book_meeting, update_details, suggestion,
    # consent_withdrawn
    text: str
    child_id: int | None = None


@dataclass(frozen=True, slots=True)
class RaiseSafeguardingConcern:
    """A message that discloses or suggests harm, neglect or fear: for the designated
    safeguarding lead(s) and the managers at once, never the key person or the room."""

    text: str  # the parent's own words
    child_id: int | None = None


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """The guardian's preferred language changes."""

    language: str


@dataclass(frozen=True, slots=True)
class CiteSource:
    """A policy passage the reply quoted (for simulate's `sources` and the audit)."""

    document: str
    section: str


@dataclass(frozen=True, slots=True)
class AnswerChase:
    """A guardian answered the first-day absence check: "absent" or "late" (on the way)."""

    child_ids: tuple[int, ...]
    on_date: date
    answer: str
    at: datetime
    words: str = ""  # what the parent wrote, quoted to staff


@dataclass(frozen=True, slots=True)
class BookMeeting:
    """Book a meeting with a member of staff about the sender's children (held by the database:
    a time taken meanwhile books nothing and the flow offers fresh times); `move_from`: the
    sender's booked meeting it replaces; `handoff_id`: the request a staff offer answered."""

    child_ids: tuple[int, ...]
    staff_id: int
    start: datetime
    end: datetime
    mode: str = "in_person"
    topic: str = ""
    move_from: int | None = None
    handoff_id: int | None = None
    at: datetime | None = None  # when it was booked (the turn's clock)


@dataclass(frozen=True, slots=True)
class CancelMeeting:
    """Cancel a booked meeting the sender attends; the member of staff is told."""

    meeting_id: int


@dataclass(frozen=True, slots=True)
class JoinMeeting:
    """The sender attends a meeting another guardian booked about their child."""

    meeting_id: int


@dataclass(frozen=True, slots=True)
class ConfirmRead:
    """The sender tapped "Got it" on urgent broadcast `broadcast_id` at `at`."""

    broadcast_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class RecordConsent:
    """The sender's answer ("yes" or "no") to consent request `broadcast_id` for a child."""

    broadcast_id: int
    child_id: int
    answer: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AnswerQuestionnaire:
    """The sender's answer to questionnaire poll `poll_id`: the option numbers chosen."""

    poll_id: int
    positions: tuple[int, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class WithdrawConsent:
    """The sender withdraws consent request `broadcast_id` for these children of theirs: recorded
    as "no", and the children's key persons and the request's organiser are told."""

    broadcast_id: int
    child_ids: tuple[int, ...]
    text: str  # the parent's own words, quoted to staff
    at: datetime


Effect = (
    RecordAbsence
    | RecordCollectionChange
    | WithdrawNotice
    | CiteNotice
    | AbsenceAfterArrival
    | CreateHandoff
    | RaiseSafeguardingConcern
    | SetLanguage
    | CiteSource
    | AnswerChase
    | BookMeeting
    | CancelMeeting
    | JoinMeeting
    | AnswerEvening  # bot/flows/evening.py
    | EveningHandoff
    | MoveSlot
    | ConfirmRead
    | RecordConsent
    | AnswerQuestionnaire
    | WithdrawConsent
)
