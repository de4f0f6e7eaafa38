"""Policy questions: setting facts first, then a quoted passage with its source, else a handoff."""

from __future__ import annotations

from typing import Never

from bot.flows.basic import responder
from bot.flows.effects import CiteSource, CreateHandoff
from bot.flows.flow import Flow
from bot.flows.turn import StepResult, Turn
from bot.types import Intent, Reply


def answer(turn: Turn) -> StepResult:
    """Answer from the setting's own words, or say plainly it is not covered and pass it on.
    Another person's contact details are never given, nor the question passed on."""
    if turn.understanding.others_details:
        setting = turn.setting
        return StepResult(
            (turn.reply("safeguarding.others_details", phone=setting.phone, email=setting.email),)
        )
    fact = turn.answer_fact(turn.text)
    if fact:
        return StepResult((Reply(fact),))
    hit = turn.answer_policy(turn.text)
    if hit is None:
        child, who = responder(turn)
        return StepResult(
            (turn.reply("policy.not_covered", who=who),),
            (CreateHandoff("policy_unanswered", turn.text, child.id if child else None),),
        )
    source = turn.say("policy.source", source=hit.source)
    text = f"{hit.text}\n{source}"
    if turn.language != "en":
        translated = turn.translate_to_parent(hit.text)
        text = (
            f"{translated}\n{source}\n{turn.say('policy.machine_translated')}"
            if translated
            else f"{turn.say('policy.english_only')}\n\n{text}"
        )
    return StepResult((Reply(text),), (CiteSource(hit.document, hit.section),))


FLOW: Flow[Never] = Flow(name="policy", start=answer, intents=frozenset({Intent.POLICY_QUESTION}))
