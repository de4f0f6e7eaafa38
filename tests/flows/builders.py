"""Flow steps without a database: a `make_turn()` builder, and `Chat`, a conversation driven
through the real flow registry with its state and context carried between messages.

The sender is the demo nursery's Sarah Thompson (Maya and Leo), the day Monday 23 November 2026;
the understanding step is the real one (it is pure), unless a test gives its own `Understanding`.
Effects are returned, not applied: what a step asks to change is what the test reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.flows.draft import Draft
from bot.flows.registry import FLOWS, OFFERED, Registry
from bot.flows.turn import END, ChildView, SenderView, SettingView, StepResult, Turn
from bot.i18n.names import parent_catalog
from bot.nlu import understand
from bot.pipeline.views import nlu_context
from bot.types import ChildRef, Intent, SenderKind, Understanding

LONDON = ZoneInfo("Europe/London")
MONDAY_MORNING = datetime(2026, 11, 23, 8, 15, tzinfo=LONDON)
MONDAY_AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=LONDON)
MAYA = ChildView(ChildRef(1, "Maya", "Thompson"), "Saplings", "Jess Hughes", ("Sarah Thompson",))
LEO = ChildView(ChildRef(2, "Leo", "Thompson"), "Oaks", "Tom Okafor", ("Sarah Thompson",))
SARAH = SenderView(
    SenderKind.GUARDIAN,
    "Sarah Thompson",
    guardian_id=1,
    can_give_collection_permission=True,
    children=(MAYA, LEO),
)
STRANGER = SenderView(SenderKind.UNKNOWN)
SETTING = SettingView(  # name, phone, e-mail, address, time zone: open Monday to Friday
    "Bramble Lane Nursery", "0113 496 0123", "hello@bramblelane.example", "Leeds", "Europe/London"
)


def make_turn(
    text: str = "",
    *,
    choice_id: str | None = None,
    now: datetime = MONDAY_AFTERNOON,
    sender: SenderView = SARAH,
    setting: SettingView = SETTING,
    understanding: Understanding | None = None,
    own_notice: Callable[[tuple[str, ...]], Draft | None] = lambda _refs: None,
    original: Callable[[str], str | None] = lambda _choice_id: None,
    choice_expired: bool = False,
) -> Turn:
    """One message as a flow step sees it (the engine builds the same from the database)."""
    return Turn(
        text=text,
        choice_id=choice_id,
        now=now,
        language=sender.language,
        understanding=understanding or _understood(text, now, sender, setting),
        sender=sender,
        setting=setting,
        catalog=parent_catalog(),
        own_notice=own_notice,
        original=original,
        choice_expired=choice_expired,
    )


def _understood(
    text: str, now: datetime, sender: SenderView, setting: SettingView
) -> Understanding:
    if not text.strip():  # a tapped button with no words, as the engine reads it
        return Understanding(Intent.OTHER, 0.0, sender.language)
    return understand(text, nlu_context(sender, setting, now))


def choice_ids(result: StepResult) -> list[str]:
    """Every choice id the step's replies offer, in order."""
    return [choice.id for reply in result.replies for choice in reply.choices]


def texts(result: StepResult) -> str:
    """The step's reply texts, one per line."""
    return "\n".join(reply.text for reply in result.replies)


@dataclass
class Chat:
    """A conversation through the registry, as the engine runs it but with no database: each
    message finds the state and context the last step left (a step pending longer than the
    timeout dropped), and a choice is honoured as bot/pipeline/choices.py honours it (offered by
    the last reply, or checked by its flow). Move `now` on between messages to let time pass."""

    flows: Registry = FLOWS
    state: str = END
    context: dict[str, Any] = field(default_factory=dict)
    now: datetime = MONDAY_AFTERNOON
    saved_at: datetime = MONDAY_AFTERNOON

    def say(self, text: str = "", choice_id: str | None = None, **given: Any) -> StepResult:
        """One message from Sarah (unless `sender=` says otherwise) at `self.now`."""
        setting = given.get("setting", SETTING)
        state, context = self.flows.current(
            self.state, self.context, self.saved_at, self.now, setting.options
        )
        honoured = choice_id is None or choice_id in context.get(OFFERED, [])
        honoured = honoured or self.flows.checks_choice(choice_id or "")
        turn = make_turn(
            text,
            choice_id=choice_id if honoured else None,
            now=self.now,
            choice_expired=not honoured,
            **given,
        )
        result = self.flows.step(turn, state, context)
        self.state, self.context = self.flows.settle(context, result)
        self.saved_at = self.now
        return result

    def tap(self, prefix: str, **given: Any) -> StepResult:
        """Tap the last reply's first choice whose id starts with `prefix`."""
        offered = [choice for choice in self.context.get(OFFERED, []) if choice.startswith(prefix)]
        return self.say("", offered[0], **given)
