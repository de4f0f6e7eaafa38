"""What a flow step sees and what it returns. Steps are pure: no database, no network."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, Self

from bot.flows.draft import Draft
from bot.flows.effects import Effect
from bot.i18n.catalog import Catalog
from bot.meetings.views import Meetings
from bot.types import ChildRef, Choice, Intent, Reply, SenderKind, Understanding

END = "idle"  # nothing pending (the stored value, as before flows were registered)
KEEP = "<keep>"  # a step's answer aside: whatever was pending stays as it was
ASK_AGAIN = "<ask again>"  # ... stays, and its question, if it has one, is asked again
ASK_OR_END = "<ask or end>"  # a question waiting stays and is asked again; else nothing is pending


@dataclass(frozen=True, slots=True)
class ConsentAsked:
    """A consent request that asked the sender: its id, its text and their children it named."""

    broadcast_id: int
    text: str
    child_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChildView:
    """One of the sender's own children, with what routing and read-backs need."""

    ref: ChildRef
    room: str | None
    key_person: str | None
    authorised_collectors: tuple[str, ...] = ()
    attendance_days: tuple[str, ...] = ()
    signed_in: str | None = None  # "08:02" when marked in today (setting time)

    @property
    def id(self) -> int:
        return self.ref.id

    @property
    def name(self) -> str:
        """The name the family uses (known-as or first name)."""
        return self.ref.known_as or self.ref.first_name


@dataclass(frozen=True, slots=True)
class SenderView:
    """The identified sender, reduced to what flows may use."""

    kind: SenderKind
    name: str = ""
    guardian_id: int | None = None
    staff_id: int | None = None
    can_give_collection_permission: bool = False
    language: str = "en"
    children: tuple[ChildView, ...] = ()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    def child(self, child_id: int) -> ChildView | None:
        """One of this sender's own children by id, or None: never another family's child."""
        return next((child for child in self.children if child.id == child_id), None)


@dataclass(frozen=True, slots=True)
class SettingView:
    """Public facts about the setting plus the options flows read."""

    name: str
    phone: str
    email: str
    address: str
    timezone: str
    closed_dates: frozenset[date] = frozenset()
    open_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PolicyHit:
    """A policy answer the flow can quote, with its source."""

    text: str
    document: str
    section: str
    source: str  # "Document title, section", as cited to the parent
    passage_id: int = 0  # the passage quoted (its English is shown again from it on request)


@dataclass(frozen=True, slots=True)
class PolicySection:
    """A section of the policies the parent may mean, offered as a choice when asked back."""

    label: str  # its heading, or its document's title
    passage_id: int


@dataclass(frozen=True, slots=True)
class PolicyConsult:
    """What the policies say to a question: a passage to quote, sections to ask back about (the
    best passages close but none confident), or neither (not covered)."""

    hit: PolicyHit | None = None
    sections: tuple[PolicySection, ...] = ()
    searched: str = ""  # the question as searched (in English when it was translated)


@dataclass(frozen=True, slots=True)
class Turn:
    """Everything one flow step may read about the current message."""

    text: str
    choice_id: str | None  # an honoured choice only (bot/pipeline/choices.py)
    now: datetime  # aware, in the setting's timezone
    language: str  # the language to reply in
    understanding: Understanding
    sender: SenderView
    setting: SettingView
    catalog: Catalog
    consult_policy: Callable[[str], PolicyConsult] = lambda _question: PolicyConsult()
    # the quote a passage (by id) gives for a question as searched (PolicyConsult.searched)
    quote_policy: Callable[[str, int], PolicyHit | None] = lambda _question, _passage: None
    answer_fact: Callable[[str], str | None] = lambda _question: None
    translate_to_parent: Callable[[str], str | None] = lambda _text: None  # machine translation
    # the sender's own active notice with these refs ("A12", "C7"), else None
    own_notice: Callable[[tuple[str, ...]], Draft | None] = lambda _refs: None
    # the English original of a message sent to the sender, by its "original:<id>" choice
    original: Callable[[str], str | None] = lambda _choice_id: None
    # whether broadcast <id> went to the sender (its "Got it", `read:<id>`, is theirs to tap)
    broadcast_sent: Callable[[int], bool] = lambda _broadcast_id: False
    # whether consent request <id> asked the sender about this child of theirs
    consent_asked: Callable[[int, int], bool] = lambda _broadcast_id, _child_id: False
    # the consent requests that asked the sender, with the children of theirs each asked about
    consent_requests: Callable[[], tuple[ConsentAsked, ...]] = lambda: ()
    choice_expired: bool = False  # a choice that was not offered (bot/pipeline/choices.py)
    meetings: Meetings = field(default_factory=Meetings)  # free slots, booked meetings, offers

    def say(self, key: str, /, **values: object) -> str:
        """Curated text in the reply language."""
        return self.catalog.text(key, self.language, **values)

    def reply(self, key: str, /, *choices: Choice, **values: object) -> Reply:
        """A curated reply with optional choices."""
        return Reply(self.say(key, **values), tuple(choices))

    def choice(self, choice_id: str, key: str, /, **values: object) -> Choice:
        """A choice whose label is curated text."""
        return Choice(choice_id, self.say(key, **values))

    @property
    def today(self) -> date:
        return self.now.date()


class FlowData(Protocol):
    """A flow's data between messages: a frozen dataclass that reads and writes plain JSON."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        ...

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read back what `to_json` wrote."""
        ...


@dataclass(frozen=True, slots=True)
class StepResult:
    """A flow step's answer: what to say, what to change, the next state ("<flow>:<step>", END,
    KEEP, ASK_AGAIN or ASK_OR_END) and the flows' data to keep (each under its own flow's key)."""

    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()
    state: str = END
    data: tuple[FlowData, ...] = ()
    intent: Intent | None = None  # what the turn was about, when a pending flow knows better
