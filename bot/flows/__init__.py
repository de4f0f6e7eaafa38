"""Conversation flows: small state machines whose steps are pure functions of a Turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.flows import basic, chased, language, notices, policy, safeguarding
from bot.flows.turn import StepResult, Turn
from bot.types import Intent, Reply, SenderKind

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
    if turn.choice_expired:  # never offered, or its notice is gone: nothing acts on it
        return _aside(turn, state, context, turn.reply("notice.expired"))
    if not turn.choice_id and not any(character.isalnum() for character in turn.text):
        return StepResult((turn.reply("error.empty"),), state=state, context=context)
    answered = language.answer_offer(turn, context)
    if answered is not None:
        return answered
    if turn.notice is not None:  # Withdraw or Change on one of the sender's notices, any message
        return _on_record(turn, state, context)
    if notices.about_another_family(turn):  # whatever was pending, it takes no other family's
        return _aside(turn, state, context, turn.reply("notice.not_your_child"))
    if state in notices.STATES:
        resumed = notices.resume(turn, state, context)
        if resumed is not None:
            return resumed
    if state == chased.STATE:
        answered_chase = chased.resume(turn, context)
        if answered_chase is not None:
            return answered_chase
    if turn.choice_id and not turn.text.strip():  # an offered choice nothing pending takes
        return StepResult((turn.reply("notice.not_understood"),), state=state, context=context)
    return GUARDIAN_FLOWS[turn.understanding.intent](turn)


def _pending_question(turn: Turn, state: str, context: dict[str, Any]) -> StepResult | None:
    """The question still waiting for an answer, asked again; None when none is."""
    if state == chased.STATE:
        return chased.ask_again(turn, context)
    return notices.ask_again(turn, state, context)


def _aside(turn: Turn, state: str, context: dict[str, Any], reply: Reply) -> StepResult:
    """A reply that answers nothing pending: the pending state is kept and its question, if any,
    asked again."""
    pending = _pending_question(turn, state, context)
    if pending is None:
        return StepResult((reply,), state=state, context=context)
    return replace(pending, replies=(reply, *pending.replies))


def _on_record(turn: Turn, state: str, context: dict[str, Any]) -> StepResult:
    """Change asks its own question; after Withdraw, a question still open about another notice
    is asked again."""
    assert turn.notice is not None
    result = notices.on_record(turn)
    pending = _pending_question(turn, state, context)
    drafted = set((context.get("draft") or {}).get("refs", ()))
    if result.state != "idle" or pending is None or drafted & set(turn.notice.refs):
        return result
    return replace(pending, replies=(*result.replies, *pending.replies), effects=result.effects)
