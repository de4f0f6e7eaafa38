"""The core's value types: what enters, what leaves, and what a channel can do.

Adapters in `channels/` depend on these types; nothing here knows about any adapter.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time


class Intent(enum.StrEnum):
    """What a message asks for. These names are fixed: simulate, eval and storage use them.

    Declared from the most specific request to the least: on equal scores the one declared first
    wins (bot/nlu/intent.py), so a new intent takes its place in the tie order where it is added.
    """

    ABSENCE = "absence"
    COLLECTION_CHANGE = "collection_change"
    BOOK_MEETING = "book_meeting"
    UPDATE_DETAILS = "update_details"
    SET_LANGUAGE = "set_language"
    WITHDRAW_CONSENT = "withdraw_consent"
    CONCERN = "concern"
    SUGGESTION = "suggestion"
    POLICY_QUESTION = "policy_question"
    HELP = "help"
    OTHER = "other"


class SenderKind(enum.StrEnum):
    """Who the sender turned out to be."""

    GUARDIAN = "guardian"
    STAFF = "staff"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ChannelCapabilities:
    """What one channel can show, as data: the renderer (bot/outbound/render.py) reads the
    buttons; the adapter reads the text length (Telegram splits longer texts, WhatsApp cuts)."""

    max_text_length: int  # characters one message may carry
    max_buttons: int = 0  # tappable choices one message may carry; 0: a numbered list instead
    max_button_label: int = 64  # characters of a button's label; a longer one: a numbered list


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a person, as an adapter parsed it from its provider's payload."""

    channel: str  # "sms", "whatsapp", "telegram", "webchat", "terminal"
    sender_id: str  # E.164 phone for sms/whatsapp, Telegram user id, web chat session identity
    text: str
    provider_message_id: str  # update_id, MessageSid, or a generated id for web chat
    received_at: datetime
    choice_id: str | None = None  # set when the person tapped/answered a choice
    contact_phone: str | None = None  # a verified shared contact (Telegram request_contact)
    display_name: str | None = None
    raw: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # NUL carries no meaning in a message and PostgreSQL text cannot hold it
        if "\x00" in self.text:
            object.__setattr__(self, "text", self.text.replace("\x00", ""))


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer the person can pick. `id` comes back as InboundMessage.choice_id."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the core wants to say: text plus optional choices. Adapters render it."""

    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One reply addressed to one channel identity, as the delivery worker hands it over."""

    outbox_id: int
    channel: str
    recipient_id: str
    reply: Reply
    kind: str = "reply"  # "reply", "staff_notification", "broadcast", "chase"


@dataclass(frozen=True, slots=True)
class ChildRef:
    """A child as the understanding step sees it: only the sender's own children."""

    id: int
    first_name: str
    last_name: str
    known_as: str | None = None

    @property
    def display_name(self) -> str:
        """The name staff and parents use: known-as first name plus surname."""
        return f"{self.known_as or self.first_name} {self.last_name}"


class AbsenceReason(enum.StrEnum):
    """Why a child is away."""

    ILLNESS = "illness"
    APPOINTMENT = "appointment"
    HOLIDAY = "holiday"
    FAMILY = "family"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive range of calendar days in the setting's timezone."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Understanding:
    """What the understanding step made of one message (pure data, no side effects)."""

    intent: Intent
    confidence: float  # 0..1
    language: str  # ISO 639-1 of the message as detected (or the guardian's preference)
    children: tuple[int, ...] = ()  # ids among the sender's own children
    all_children: bool = False  # "both", "the kids"
    unmatched_names: tuple[str, ...] = ()  # names that are not the sender's children
    dates: DateRange | None = None
    time: time | None = None
    minutes_late: int | None = None
    reason: AbsenceReason | None = None
    symptoms: tuple[str, ...] = ()
    collector_name: str | None = None
    collector_relationship: str | None = None
    new_phone: str | None = None
    new_email: str | None = None
    new_address: str | None = None
    target_language: str | None = None  # for set_language
    small_talk: bool = False  # nothing but thanks, greetings, "ok": no one needs to act
    safeguarding: bool = False  # discloses or suggests harm, neglect or fear: for the DSL
    others_details: bool = False  # asks for someone else's phone, address or e-mail: refused
    cancels: bool = False  # takes back what was just said ("cancel that", "he's fine now")
    corrects: bool = False  # corrects what was just said ("I meant tomorrow", "Tue not Mon")
    # A policy question about what a flow covers ("how do I complain?" touches the concern
    # flow), which the policy flow may offer beside its answer; None for requests and flows.
    touches: Intent | None = None
    # A question about one of the sender's own children the roster answers: "key_person",
    # "room" or "days" ("who is Leo's key person?"); the child is in `children` when named or
    # the only one, and a name that is none of theirs is in `unmatched_names`.
    personal_fact: str | None = None
    # About a meeting already booked: "when" ("when is my meeting?"), "move" or "cancel"
    # (`[meeting_action]` in each lexicon: an action word and a meeting word together).
    meeting_action: str | None = None
