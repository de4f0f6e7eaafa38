"""A message that discloses or suggests harm goes to the designated safeguarding lead at once,
whatever else it is. The flow it started or continued still runs (an absence is still recorded),
but a handoff it would have made to the key person or the office becomes the safeguarding concern,
and the parent is told the lead has been told, with no promise of what happens next."""

from __future__ import annotations

from dataclasses import replace

from bot.flows.basic import only_child
from bot.flows.effects import CreateHandoff, RaiseSafeguardingConcern
from bot.flows.turn import StepResult, Turn


def escalate(turn: Turn, result: StepResult) -> StepResult:
    """The step's result, with the safeguarding concern when the message discloses harm."""
    if not turn.understanding.safeguarding:
        return result
    child = only_child(turn)
    concern = RaiseSafeguardingConcern(turn.text, child.id if child else None)
    told = turn.reply("safeguarding.told")
    if any(isinstance(effect, CreateHandoff) for effect in result.effects):
        kept = tuple(e for e in result.effects if not isinstance(e, CreateHandoff))
        return replace(result, replies=(told,), effects=(*kept, concern))
    return replace(result, replies=(*result.replies, told), effects=(*result.effects, concern))
