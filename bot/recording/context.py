"""What applying effects knows about the turn (or the scheduled job) and what it changed, and the
helpers every kind of effect shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import Child, Guardian
from bot.flows.dates import short_date
from bot.i18n.catalog import Catalog
from bot.i18n.names import parent_catalog
from bot.i18n.translator import NoTranslator, Translator
from bot.nlu import suggests_harm
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.pipeline.outcome import TurnResult
from bot.staff.alerts import StaffAlerts
from bot.staff.choices import acknowledge_choice
from bot.types import Reply


@dataclass
class EffectContext:
    """What applying effects needs to know about the turn, and what they changed (for simulate,
    the web chat and the scheduler's report: `turn_result`)."""

    session: Session
    setting_id: int
    guardian_id: int | None  # the sender, when a guardian
    staff_catalog: Catalog
    quote: Callable[[str], str] = lambda words: words  # for staff: original, English if translated
    english: Callable[[str], str | None] = lambda _words: None  # machine translated, when possible
    inbound_id: int | None = None  # the message whose turn this is (none for a scheduled job)
    reach: Reach = EVERY_CHANNEL  # the channels that can carry messages now
    staff_id: int | None = None  # the sender, when a member of staff
    catalog: Catalog = field(default_factory=parent_catalog)  # what parents are sent
    translator: Translator = field(default_factory=NoTranslator)  # staff's words for parents
    # What the effects changed, in order:
    records: list[dict[str, Any]] = field(default_factory=list)
    staff_notifications: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)  # to parents, but no replies
    sources: list[dict[str, str]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)  # to the sender (a broadcast's report)
    written: list[str] = field(default_factory=list)  # refs of the notices recorded ("A12")
    retention: list[str] = field(default_factory=list)  # what the retention job deleted
    broadcasts: list[str] = field(default_factory=list)  # what scheduled sends did
    handoff: bool = False
    booked: list[int] = field(default_factory=list)  # meetings booked (ids), for Move / Cancel
    taken: bool = False  # a meeting's time was taken meanwhile: nothing booked

    @cached_property
    def guardian(self) -> Guardian | None:
        """The sender's row, read when an effect first needs it (most turns never do)."""
        if self.guardian_id is None:
            return None
        return self.session.get(Guardian, self.guardian_id)

    @property
    def alerts(self) -> StaffAlerts:
        """Staff alerts for this turn, recorded in `staff_notifications`."""
        return StaffAlerts(
            self.session, self.setting_id, self.inbound_id, self.staff_notifications, self.reach
        )

    @property
    def actor(self) -> str:
        """Who the audit log names: the guardian, the member of staff, or the system."""
        if self.guardian_id is not None:
            return f"guardian:{self.guardian_id}"
        return f"staff:{self.staff_id}" if self.staff_id is not None else "system"

    def audit(self, action: str, subject: str, details: dict[str, Any] | None = None) -> None:
        """An audit entry with this turn's actor."""
        audit(self.session, self.actor, action, subject, details)

    def staff_text(self, key: str, **values: object) -> str:
        """A staff message (staff read English)."""
        return self.staff_catalog.text(key, "en", **values)

    def turn_result(
        self, inbound_id: int, intent: str, language: str, replies: Iterable[Reply]
    ) -> TurnResult:
        """What the turn did: its replies, then any an effect made, and what the effects changed."""
        return TurnResult(
            inbound_id,
            intent,
            language,
            [*replies, *self.replies],
            self.handoff,
            self.sources,
            self.records,
            self.staff_notifications,
            self.messages,
        )


def children_of(context: EffectContext, child_ids: tuple[int, ...]) -> list[Child]:
    """The children, checked once more against the sender's own: a flow bug cannot leak."""
    own = list(context.guardian.children) if context.guardian else []
    chosen = [child for child in own if child.id in child_ids]
    if len(chosen) != len(set(child_ids)):
        raise PermissionError(f"{context.actor} may not act for children {sorted(child_ids)}")
    return chosen


def guardian_of(context: EffectContext) -> Guardian:
    """The sender: only guardians send notices."""
    if context.guardian is None:
        raise PermissionError("only a guardian can send or withdraw a notice")
    return context.guardian


def room_name(child: Child) -> str:
    """The child's room, for staff alerts."""
    return child.room.name if child.room else "no room"


def notify_child_staff(
    context: EffectContext, child: Child, text: str, words: str = "", ack: str | None = None
) -> None:
    """Tell the child's staff, quoting the parent's words when there are any, unless they
    disclose harm: those go only to the safeguarding lead(s) (bot.recording.handoffs). `ack`:
    the notice's ref, offered as an Acknowledge button."""
    quoted = words and not suggests_harm(words)
    choices = [acknowledge_choice(context.staff_catalog, ack)] if ack else []
    text += "\n" + context.quote(words) if quoted else ""
    context.alerts.about_child(child, text, choices)


def when_text(start: date, end: date) -> str:
    """A date or date range as staff read it."""
    if start == end:
        return short_date(start, "en")
    return f"{short_date(start, 'en')} to {short_date(end, 'en')}"
