"""What a flow is: its name, what starts it, its steps and its data. The registry runs them.

A flow is a small state machine whose steps are pure functions of a `Turn`. States are strings
"<flow>:<step>" (`notice:date`), END when nothing is pending. A step returns a `StepResult`, or
None for "this message is not an answer to me" (then the flow the message's intent names starts
instead). An answer aside that leaves the pending step waiting says KEEP, ASK_AGAIN (its question
asked again) or ASK_OR_END (asked again if it is a question, else ended). A flow's data is a
frozen dataclass kept as JSON under the flow's own key of the conversation context; the
registry reads it, hands it to the flow's steps and writes it back.

Learnt from python-telegram-bot's ConversationHandler (states as a mapping of handlers, END, a
conversation timeout) and errbot's flows (a flow is started by the commands that trigger it),
without their machinery: no handler objects, no threads, only data and pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.flows.turn import ASK_AGAIN, FlowData, StepResult, Turn
from bot.types import Intent

EXPIRED_KEY = "notice.expired"  # "Sorry, that button has expired."
D = TypeVar("D", bound=FlowData)


@dataclass(frozen=True, slots=True)
class Step(Generic[D]):
    """One state a flow waits in: how it reads an answer, and its question asked again (after an
    expired button or a message about another family's child), when it asks one."""

    resume: Callable[[Turn, D], StepResult | None]
    ask: Callable[[Turn, D], StepResult | None] | None = None


@dataclass(frozen=True)
class Flow(Generic[D]):
    """One conversation flow, as the registry sees it.

    `intents` start it (`start`); `steps` maps each of its states ("<name>:<step>") to the step
    waiting there; `data` is its typed data (required when it has steps). A tap on a choice whose
    id starts with one of `choices` goes to `on_choice` whatever is pending (with the flow's data,
    or None when it has none); such a choice is honoured only while the last reply offers it,
    unless `checks_choices`: then it is honoured whenever tapped (a read-back's Withdraw, a
    broadcast's "Show in English") and `on_choice` checks it through the Turn, answering
    `expired(turn)` when it is not the sender's. Data of a flow with steps lives while one of its
    steps is pending; data of a flow without steps (the language offer's) is kept.
    """

    name: str
    start: Callable[[Turn], StepResult] | None = None
    intents: frozenset[Intent] = frozenset()
    steps: Mapping[str, Step[D]] = field(default_factory=dict)
    data: type[D] | None = None
    choices: tuple[str, ...] = ()
    on_choice: Callable[[Turn, D | None], StepResult | None] | None = None
    checks_choices: bool = False


def flow_name(state: str) -> str:
    """The flow a state belongs to ("notice" for "notice:date"); "" for END."""
    name, separator, _ = state.partition(":")
    return name if separator else ""


def expired(turn: Turn) -> StepResult:
    """A choice nothing may act on: said so, and whatever was pending is asked again."""
    return StepResult((turn.reply(EXPIRED_KEY),), state=ASK_AGAIN)
