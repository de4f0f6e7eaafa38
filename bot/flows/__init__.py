"""Conversation flows: small state machines whose steps are pure functions of a Turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.flows import basic, chased, language, notices, policy, safeguarding
from bot.flows.turn import StepResult, Turn
from bot.types import Intent, SenderKind

IntentFlow = Callable[[Turn], StepResult]

GUARDIAN_FLOWS: dict[Intent, IntentFlow] = {
    Intent.HELP: basic.help_reply,
    Intent.POLICY_QUESTION: policy.answer,
    Intent.ABSENCE: notices.start,
    Intent.COLLECTION_CHANGE: notices.start,
    Intent.BOOK_MEETING: basic.book_meeting,
    Intent.UPDATE_DETAILS: basic.update_details,
    Intent.CONCERN: basic.handoff,
    Intent.SET_LANGUAGE: basic.set_language,
    Intent.OTHER: basic.handoff,
}


def step(turn: Turn, state: str, context: dict[str, Any]) -> StepResult:
    """One conversation step for a guardian or an unknown sender (staff have their own commands):
    continue a pending flow, or start the one the intent names."""
    if turn.sender.kind is not SenderKind.GUARDIAN:
        return basic.unknown_sender(turn)
    result = safeguarding.escalate(turn, _guardian_step(turn, state, context))
    return language.with_offer(turn, result, context)


def _guardian_step(turn: Turn, state: str, context: dict[str, Any]) -> StepResult:
    if not turn.choice_id and not any(character.isalnum() for character in turn.text):
        return StepResult((turn.reply("error.empty"),), state=state, context=context)
    answered = language.answer_offer(turn, context)
    if answered is not None:
        return answered
    if state in notices.STATES:
        resumed = notices.resume(turn, state, context)
        if resumed is not None:
            return resumed
    if state == chased.STATE:
        answered_chase = chased.resume(turn, context)
        if answered_chase is not None:
            return answered_chase
    if turn.choice_id and not turn.text.strip():  # a stale button: nothing to pass on to staff
        return StepResult((turn.reply("notice.not_understood"),), state=state, context=context)
    return GUARDIAN_FLOWS[turn.understanding.intent](turn)
