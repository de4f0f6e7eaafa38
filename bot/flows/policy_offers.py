"""The flow a policy question is about, offered beside the policy's answer: "how do I
complain?" gets the complaints policy and "Pass a concern to Jess"; "can we meet the key
person?" gets the policy and "Ask Jess for a meeting". The choice starts that flow with the
question's own words, as if the parent had asked for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.flows import basic, meeting, notices
from bot.flows.turn import StepResult, Turn
from bot.types import Choice, Intent, Understanding

PREFIX = "policy:do:"  # + the intent of the flow to start
# The flows offered, with the catalog key of their choice's label; each label may name {who}.
LABELS = {
    Intent.CONCERN: "policy_answers.offer_concern",
    Intent.BOOK_MEETING: "policy_answers.offer_meeting",
    Intent.UPDATE_DETAILS: "policy_answers.offer_details",
    Intent.ABSENCE: "policy_answers.offer_absence",
    Intent.COLLECTION_CHANGE: "policy_answers.offer_collection",
}


def offers(turn: Turn, touches: str | None) -> list[Choice]:
    """The choice starting the flow the question touches, when there is one to offer."""
    if touches is None or Intent(touches) not in LABELS:
        return []
    _child, who = basic.responder(turn)
    return [turn.choice(f"{PREFIX}{touches}", LABELS[Intent(touches)], who=who)]


def start(
    turn: Turn, question: str, children: tuple[int, ...], choice_id: str
) -> StepResult | None:
    """The offered flow started on the question's words; None for a choice that names none."""
    name = choice_id.removeprefix(PREFIX)
    if not choice_id.startswith(PREFIX) or name not in {i.value for i in LABELS}:
        return None
    intent = Intent(name)
    asked = replace(
        turn,
        text=question,
        choice_id=None,
        understanding=Understanding(intent, 1.0, turn.understanding.language, children=children),
    )
    return replace(_STARTS[intent](asked), intent=intent)


def _send_details(turn: Turn) -> StepResult:
    """New details come in a message of their own (the office checks them)."""
    return StepResult((turn.reply("policy_answers.send_details"),))


_STARTS: dict[Intent, Callable[[Turn], StepResult]] = {
    Intent.CONCERN: basic.handoff,
    Intent.BOOK_MEETING: meeting.start,
    Intent.UPDATE_DETAILS: _send_details,
    Intent.ABSENCE: notices.start,
    Intent.COLLECTION_CHANGE: notices.start,
}
