"""Small flows of one reply: help, handoffs, detail changes; unknown senders.

Each answers at once and waits for nothing (no steps, no data).
"""

from __future__ import annotations

from typing import Never

from bot.flows.effects import CreateHandoff
from bot.flows.flow import Flow
from bot.flows.turn import ChildView, StepResult, Turn
from bot.types import Intent


def unknown_sender(turn: Turn) -> StepResult:
    """A polite generic answer with public contact details, and nothing about any child."""
    setting = turn.setting
    return StepResult(
        (
            turn.reply(
                "unknown.reply", setting=setting.name, phone=setting.phone, email=setting.email
            ),
        )
    )


def help_reply(turn: Turn) -> StepResult:
    """What the bot can do for a parent or carer."""
    return StepResult(
        (turn.reply("help.guardian", name=turn.sender.first_name, setting=turn.setting.name),)
    )


def handoff(turn: Turn) -> StepResult:
    """Concerns and anything else: a person on the staff will answer. Small talk ("thank you",
    "ok", "happy Eid") is answered kindly and asks nobody to act."""
    if turn.understanding.small_talk:
        return StepResult((turn.reply("handoff.small_talk", name=turn.sender.first_name),))
    kind = "concern" if turn.understanding.intent is Intent.CONCERN else "other"
    child, who = responder(turn)
    return StepResult(
        (turn.reply(f"handoff.{kind}", who=who),),
        (CreateHandoff(kind, turn.text, child.id if child else None),),
    )


def update_details(turn: Turn) -> StepResult:
    """New contact details are checked by the office before they change anything."""
    return StepResult(
        (turn.reply("details.received"),), (CreateHandoff("update_details", turn.text),)
    )


def only_child(turn: Turn) -> ChildView | None:
    """The child the message is about: the named one, or the sender's only child."""
    sender = turn.sender
    ids = turn.understanding.children
    if len(ids) == 1:
        return sender.child(ids[0])
    if len(sender.children) == 1:
        return sender.children[0]
    return None


def responder(turn: Turn) -> tuple[ChildView | None, str]:
    """The child a handoff is about, and who will answer: their key person, else the team."""
    child = only_child(turn)
    return child, who_answers(turn, child)


def who_answers(turn: Turn, child: ChildView | None) -> str:
    """Who will answer about this child: their key person, else the team."""
    return child.key_person if child and child.key_person else turn.say("team.someone")


HELP: Flow[Never] = Flow(name="help", start=help_reply, intents=frozenset({Intent.HELP}))
DETAILS: Flow[Never] = Flow(
    name="details", start=update_details, intents=frozenset({Intent.UPDATE_DETAILS})
)
HANDOFF: Flow[Never] = Flow(
    name="handoff", start=handoff, intents=frozenset({Intent.CONCERN, Intent.OTHER})
)
