"""The questionnaire flow: a family's answer to a questionnaire (`questionnaire [to ROOM]:
QUESTION | OPTION | ...`, bot/staff/broadcasts.py).

Each family's message carries `questionnaire:<poll id>:<n>` for each option; a tap (or the
option's number answered on SMS) is honoured whenever it comes, and the apply step checks the
guardian was asked. A questionnaire has one answer per family: answering again replaces it.
Whatever else was pending stays pending.
"""

from __future__ import annotations

from typing import Never

from bot.flows.effects import AnswerQuestionnaire
from bot.flows.flow import Flow, expired
from bot.flows.turn import KEEP, StepResult, Turn
from bot.types import Intent

PREFIX = "questionnaire:"


def answer(turn: Turn, _data: object) -> StepResult:
    """The option chosen, for the apply step to record (and thank the family)."""
    parts = (turn.choice_id or "").removeprefix(PREFIX).split(":")
    if len(parts) != 2 or not all(part.isdecimal() for part in parts):
        return expired(turn)
    effect = AnswerQuestionnaire(int(parts[0]), (int(parts[1]),), turn.now)
    return StepResult((), (effect,), state=KEEP, intent=Intent.OTHER)


FLOW: Flow[Never] = Flow(
    name="questionnaire", choices=(PREFIX,), on_choice=answer, checks_choices=True
)
