"""Answers to a parents' evening poll (bot/evenings/staff.py sends it; this pure flow reads it).

Choice ids: `evening:pref:<evening>:<n>` (an option tapped adds it to the guardian's answer, a
single number answered, "2", replaces it; honoured whenever tapped, the apply step checks the
guardian was asked),
`evening:cant:<evening>` (on a published slot: each key person is asked to find another time),
`evening:move:<evening>` (the free times that keep the family's meetings back to back are offered)
and `evening:to:<evening>:<first slot>` (one of those taken). While the poll waits
(`evening:answer`), a list of numbers in any of the bot's languages ("1 3", "1 and 3", "1 i 3",
"jeden i trzy") replaces the answer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.evenings.effects import AnswerEvening, EveningHandoff, MoveSlot
from bot.flows.flow import Flow, Step, expired
from bot.flows.turn import KEEP, StepResult, Turn
from bot.outbound.render import answer_number
from bot.types import Reply

ANSWER = "evening:answer"
PREF, CANT, MOVE, TO = "evening:pref:", "evening:cant:", "evening:move:", "evening:to:"
_SEPARATORS = re.compile(r"[\s,;.&+/]+|\b(?:and|i|y|e|și|si|oo|و|और|ও|ਅਤੇ|અને)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EveningData:
    """The poll waiting for this guardian's answer: the evening and how many options it has."""

    evening_id: int
    options: int

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        return {"evening": self.evening_id, "options": self.options}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EveningData:
        """Read back what `to_json` wrote."""
        return cls(int(data["evening"]), int(data["options"]))


def poll_sent(question: Reply, evening_id: int) -> StepResult:
    """The poll as sending it leaves the conversation: its options offered, waiting for the
    answer."""
    data = EveningData(evening_id, len(question.choices))
    return StepResult((question,), state=ANSWER, data=(data,))


def numbers(text: str, most: int) -> tuple[int, ...] | None:
    """The option numbers a message lists ("1 and 3"), or None when it is not such a list."""
    words = [word for word in _SEPARATORS.split(text.strip()) if word and word.strip()]
    found: list[int] = []
    for word in words:
        number = answer_number(word)
        if number is None or not 1 <= number <= most:
            return None
        if number not in found:
            found.append(number)
    return tuple(found) or None


def answer(turn: Turn, data: EveningData) -> StepResult | None:
    """A list of numbers answers the poll (replacing any earlier answer); else not for us."""
    chosen = numbers(turn.text, data.options)
    if chosen is None:
        return None
    effect = AnswerEvening(data.evening_id, chosen)
    return StepResult((), (effect,), state=ANSWER, data=(data,))


def on_choice(turn: Turn, data: EveningData | None) -> StepResult | None:
    """An option tapped, or Move / Can't make it on a published slot."""
    choice = turn.choice_id or ""
    parts = choice.split(":")
    if choice.startswith(PREF) and len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
        typed = answer_number(turn.text) is not None  # "2" answered: the whole answer
        effect = AnswerEvening(int(parts[2]), (int(parts[3]),), add=not typed)
        if data is None:  # whatever else is pending stays so
            return StepResult((), (effect,), state=KEEP)
        return StepResult((), (effect,), state=ANSWER, data=(data,))
    if choice.startswith(CANT) and len(parts) == 3 and parts[2].isdigit():
        return StepResult((), (EveningHandoff(int(parts[2]), "cant"),))
    if choice.startswith(MOVE) and len(parts) == 3 and parts[2].isdigit():
        return StepResult((), (MoveSlot(int(parts[2])),))
    if choice.startswith(TO) and len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
        return StepResult((), (MoveSlot(int(parts[2]), int(parts[3])),))
    return expired(turn)


FLOW: Flow[EveningData] = Flow(
    name="evening",
    steps={ANSWER: Step(answer)},
    data=EveningData,
    choices=(PREF, CANT, MOVE, TO),
    on_choice=on_choice,
    checks_choices=True,
)
