"""Changes a staff command asks for. The handler decides them; bot/recording/staff.py applies them
in the turn's transaction, with the member of staff as the audit log's actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.evenings.effects import CancelEvening, CreateEvening, SendEvening


@dataclass(frozen=True, slots=True)
class MarkArrived:
    """Mark these children in at `at` (setting time; its date is the day). A child someone else
    marked in a moment ago stays as they recorded it."""

    child_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class AcknowledgeNotice:
    """Staff have seen absence ("A") or collection change ("C") `notice_id`; the guardians in
    `tell` hear so (when the setting says to tell them)."""

    kind: str
    notice_id: int
    tell: tuple[int, ...] = ()  # guardian ids

    @property
    def ref(self) -> str:
        return f"{self.kind}{self.notice_id}"


@dataclass(frozen=True, slots=True)
class AnswerHandoff:
    """Staff's answer to the guardian behind handoff `handoff_id`, in the guardian's language; the
    handoff closes once a channel can carry it."""

    handoff_id: int
    guardian_id: int
    language: str
    text: str  # as sent: heading and body, translated when a translation was made
    english: str | None = None  # staff's own words, kept and offered when `text` is translated


@dataclass(frozen=True, slots=True)
class RefuseAnswer:
    """Something done to a handoff this member of staff may not do (answer a safeguarding item,
    close or pass on someone else's): only audited."""

    handoff_id: int
    kind: str
    action: str = "handoff_reply_refused"  # the audit log's word for what was refused


@dataclass(frozen=True, slots=True)
class SaveDraft:
    """A previewed broadcast or reminder, kept as this member of staff's draft (replacing any
    earlier one) until they send or drop it: nothing is queued."""

    kind: str  # broadcast, reminder
    text: str
    rooms: tuple[str, ...]
    urgent: bool
    send_at: datetime | None  # the first occurrence; None: at once
    repeat_weekdays: tuple[int, ...] = ()  # empty: once
    repeat_at: str | None = None  # "15:00"
    texts: tuple[tuple[str, str, bool], ...] = ()  # (language, text, translated) as previewed
    deadline: datetime | None = None  # a consent request's answers by
    options: tuple[str, ...] = ()  # a questionnaire's options, in order
    # and in each language the question was translated into: (language, options)
    option_labels: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class ConfirmDraft:
    """Schedule draft `broadcast_id` for `next_at` and, when `send_now`, send it at once (through
    the same claim as the `broadcasts` job); the reply says which."""

    broadcast_id: int
    next_at: datetime
    send_now: bool
    reply: str


@dataclass(frozen=True, slots=True)
class CancelBroadcast:
    """Drop a draft, or cancel a scheduled broadcast or reminder: nothing more of it goes."""

    broadcast_id: int


@dataclass(frozen=True, slots=True)
class Viewed:
    """A member of staff looked at personal data (the register): only audited."""

    subject: str  # "register:2026-11-23"


@dataclass(frozen=True, slots=True)
class SetMeetingHours:
    """The member of staff's weekly meeting hours, as staff.csv writes them (`free`, `busy`)."""

    hours: str


@dataclass(frozen=True, slots=True)
class OfferMeeting:
    """Offer the guardian behind a meeting request this time with the member of staff; they
    book it with one tap."""

    handoff_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class StaffCancelMeeting:
    """The member of staff cancels one of their booked meetings; its guardians are told."""

    meeting_id: int


@dataclass(frozen=True, slots=True)
class StaffMoveMeeting:
    """The member of staff moves one of their booked meetings; its guardians are told."""

    meeting_id: int
    start: datetime
    end: datetime
    at: datetime  # when it was moved (the command's clock)


@dataclass(frozen=True, slots=True)
class CloseHandoff:
    """Close open handoff `handoff_id` without a reply (dealt with another way)."""

    handoff_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class ReassignHandoff:
    """Route open handoff `handoff_id` to `to_staff_id`, who is sent `alert`."""

    handoff_id: int
    kind: str
    from_staff_id: int | None
    to_staff_id: int
    alert: str


@dataclass(frozen=True, slots=True)
class ExpectAnswer:
    """The member's next chat message is their answer to handoff `handoff_id` (None: it no
    longer is); kept on the conversation `conversation_id` of the identity they write from."""

    conversation_id: int
    handoff_id: int | None
    at: datetime  # now: the wait ends ANSWER_WAIT after it (bot.staff.request)


StaffEffect = (
    MarkArrived
    | AcknowledgeNotice
    | AnswerHandoff
    | RefuseAnswer
    | Viewed
    | SetMeetingHours
    | OfferMeeting
    | StaffCancelMeeting
    | StaffMoveMeeting
    | CloseHandoff
    | ReassignHandoff
    | ExpectAnswer
    | CreateEvening  # bot/evenings/staff.py
    | SendEvening
    | CancelEvening
    | SaveDraft
    | ConfirmDraft
    | CancelBroadcast
)
