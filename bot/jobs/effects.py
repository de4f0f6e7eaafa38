"""Changes a scheduled job asks for. The job decides them; bot/recording (chases.py, apply.py)
applies them in the job's transaction, with the system as the audit log's actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.evenings.effects import RemindEvening, ScheduleEvening
from bot.types import Reply


@dataclass(frozen=True, slots=True)
class RecordChase:
    """An expected child not yet seen: today's absence check (one per child and day)."""

    child_id: int
    on_date: date
    at: datetime


@dataclass(frozen=True, slots=True)
class AskChase:
    """Ask a guardian whether these children are coming in today; their answer, when a channel
    reaches them, goes to the chase flow."""

    guardian_id: int
    child_ids: tuple[int, ...]
    on_date: date
    question: Reply  # in the guardian's language, with the chase's choices
    at: datetime  # when the job asked: the conversation waits from then


@dataclass(frozen=True, slots=True)
class CreateCallTask:
    """Nobody answered the check and the child is neither in nor absent: a call task listing
    whom to call, for the key person and the managers."""

    child_id: int
    on_date: date
    at: datetime
    text: str  # the task as staff read it


@dataclass(frozen=True, slots=True)
class ExpireData:
    """What the retention job found due (bot.privacy.retention): the erasures whose time has
    come, and the moments before which messages and records are no longer kept."""

    erasure_ids: tuple[int, ...]
    messages_before: datetime
    records_before: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class RemindMeeting:
    """The day-before reminder of a booked meeting, to its parents and its member of staff (at
    most once: applying it claims the meeting's `reminded_at`)."""

    meeting_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class DeliverBroadcast:
    """Send broadcast `broadcast_id`'s occurrence at `slot` (local time), unless someone already
    claimed it; `skipped` ("closed") claims it without sending. The broadcast then waits for
    `next_at` (a weekly reminder) or is done (None)."""

    broadcast_id: int
    slot: datetime
    next_at: datetime | None
    at: datetime
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class ResendUrgent:
    """Resend an urgent broadcast by SMS to these families (broadcast_recipients rows): it
    reached them on another channel and they have not confirmed."""

    recipient_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class CallAboutBroadcast:
    """Still unconfirmed: a call task for the managers listing these families and phones."""

    recipient_ids: tuple[int, ...]
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RemindConsent:
    """Ask these families (broadcast_recipients rows) once more: they have not answered for
    every child before the deadline."""

    broadcast_id: int
    recipient_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class ReportConsent:
    """The deadline has come: the organiser gets the answers (once)."""

    broadcast_id: int
    text: str
    at: datetime


JobEffect = (
    RecordChase
    | AskChase
    | CreateCallTask
    | ExpireData
    | RemindMeeting
    | RemindEvening  # bot/evenings/jobs.py
    | ScheduleEvening
    | DeliverBroadcast
    | ResendUrgent
    | CallAboutBroadcast
    | RemindConsent
    | ReportConsent
)
