"""The table of flows, and the one place a guardian's message finds its flow.

A turn (`Registry.step`), in order: an expired button, or an empty message, is answered aside; a
choice a flow owns goes to that flow whatever is pending ("Show in English", a language offer, a
read-back's Change / Withdraw); a message naming only another family's child is refused whatever
is pending; the pending step reads the message as its answer, or returns None; then the flow the
intent names starts. Two post-steps follow every guardian turn, here and only here: the
safeguarding escalation, then the offer to reply in the language the parent wrote in.

The conversation context holds each flow's data under the flow's name and the choice ids the last
reply offered (`offered`); `settle` writes what a step kept. A pending step older than the
setting's `conversation_timeout_hours` (24 by default) is dropped on the next message
(`current`), with its data and the choices it offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.flows import (
    basic,
    chased,
    consent,
    evening,
    language,
    meeting,
    notices,
    original,
    policy,
    questionnaire,
    read,
    safeguarding,
    withdraw,
)
from bot.flows.flow import Flow, Step, expired, flow_name
from bot.flows.turn import ASK_AGAIN, ASK_OR_END, END, KEEP, StepResult, Turn
from bot.roster.setting import TIMEOUT_OPTION
from bot.types import Intent, SenderKind

OFFERED = "offered"  # context key: the choice ids the last reply offered
DEFAULT_TIMEOUT_HOURS = 24  # a setting's `conversation_timeout_hours` unless it gives its own


@dataclass(frozen=True, slots=True)
class Pending:
    """The step a conversation waits in, with its flow's data."""

    flow: Flow[Any]
    step: Step[Any]
    data: Any


class Registry:
    """Flows by name, by the intents that start them and by the choices they own; checked when
    built: unique names, every intent started by exactly one flow, states "<flow>:<step>", no
    choice prefix inside another's, data for every flow with steps."""

    def __init__(self, flows: Iterable[Flow[Any]]) -> None:
        self.flows = tuple(flows)
        self._by_name = {flow.name: flow for flow in self.flows}
        self._by_intent = {intent: flow for flow in self.flows for intent in flow.intents}
        self._owners = {flow.data: flow for flow in self.flows if flow.data is not None}
        _check(self.flows)

    def including(self, *flows: Flow[Any]) -> Registry:
        """This table with more flows (checked as a whole)."""
        return Registry((*self.flows, *flows))

    def checks_choice(self, choice_id: str) -> bool:
        """Whether a flow honours this choice whenever it is tapped (and checks it itself)."""
        owner = self._choice_owner(choice_id)
        return owner is not None and owner.checks_choices

    def step(self, turn: Turn, state: str, context: Mapping[str, Any]) -> StepResult:
        """One guardian's or unknown sender's turn (staff have their own commands): its replies,
        effects, next state and the flows' data to keep."""
        if turn.sender.kind is not SenderKind.GUARDIAN:  # a disclosure still reaches the lead
            return safeguarding.escalate(turn, basic.unknown_sender(turn))
        pending = self._pending(state, context)
        state = state if pending else END
        answered = self._resolved(turn, state, pending, self._answer(turn, pending, context))
        escalated = safeguarding.escalate(turn, answered)
        kept = self._data(language.FLOW, context) or language.LanguageData()
        return language.with_offer(turn, escalated, kept)

    def settle(self, context: Mapping[str, Any], result: StepResult) -> tuple[str, dict[str, Any]]:
        """The state and context to save after a step: the data of flows without steps and of
        the pending flow kept, the step's data written under its flows' names, its choices."""
        pending = flow_name(result.state)
        flow = self._by_name.get(pending)
        if result.state != END and (flow is None or result.state not in flow.steps):
            raise ValueError(f"no flow has the state {result.state!r}")
        saved = {
            name: value
            for name, value in context.items()
            if name == pending or self._keeps_data(name)
        }
        for item in result.data:
            saved[self._owners[type(item)].name] = item.to_json()
        saved[OFFERED] = [choice.id for reply in result.replies for choice in reply.choices]
        return result.state, saved

    def current(
        self,
        state: str,
        context: Mapping[str, Any],
        since: datetime,
        now: datetime,
        options: Mapping[str, Any],
    ) -> tuple[str, dict[str, Any]]:
        """The conversation as a message at `now` finds it: a step pending since before the
        timeout is dropped, with its data and the choices it offered."""
        hours = float(options.get(TIMEOUT_OPTION, DEFAULT_TIMEOUT_HOURS))
        if state == END or now - since <= timedelta(hours=hours):
            return state, dict(context)
        return self.settle(context, StepResult(()))

    def _answer(
        self, turn: Turn, pending: Pending | None, context: Mapping[str, Any]
    ) -> StepResult:
        if turn.choice_expired:  # never offered: nothing acts on it
            return expired(turn)
        if not turn.choice_id and not any(character.isalnum() for character in turn.text):
            return StepResult((turn.reply("error.empty"),), state=KEEP)
        owner = self._choice_owner(turn.choice_id or "")
        on_choice = owner.on_choice if owner else None
        chosen = on_choice(turn, self._data(owner, context)) if owner and on_choice else None
        if chosen is not None:
            return chosen
        if notices.about_another_family(turn):  # whatever was pending, it takes no other family's
            asks = "personal" if turn.understanding.personal_fact else "notice"
            return StepResult((turn.reply(f"{asks}.not_your_child"),), state=ASK_AGAIN)
        resumed = pending.step.resume(turn, pending.data) if pending else None
        if resumed is not None:
            return resumed
        if turn.choice_id and not turn.text.strip():  # an offered choice nothing pending takes
            return StepResult((turn.reply("notice.not_understood"),), state=KEEP)
        return self._start(turn.understanding.intent, turn)

    def _start(self, intent: Intent, turn: Turn) -> StepResult:
        start = self._by_intent[intent].start
        assert start is not None  # checked when the table was built
        return start(turn)

    def _resolved(
        self, turn: Turn, state: str, pending: Pending | None, result: StepResult
    ) -> StepResult:
        """KEEP, ASK_AGAIN and ASK_OR_END made concrete: the pending step stays (its question,
        if any, asked again after the result's replies; ASK_OR_END: with no question, nothing
        stays pending)."""
        if result.state not in (KEEP, ASK_AGAIN, ASK_OR_END):
            return result
        asks = pending.step.ask if pending and result.state != KEEP else None
        again = asks(turn, pending.data) if asks and pending else None
        if again is None:
            return replace(result, state=END if result.state == ASK_OR_END else state)
        return replace(
            again,
            replies=(*result.replies, *again.replies),
            effects=(*result.effects, *again.effects),
            data=(*result.data, *again.data),
            intent=result.intent,
        )

    def _pending(self, state: str, context: Mapping[str, Any]) -> Pending | None:
        """The step the conversation waits in; None when none (or its data is gone)."""
        flow = self._by_name.get(flow_name(state))
        step = flow.steps.get(state) if flow else None
        data = self._data(flow, context) if flow else None
        return Pending(flow, step, data) if flow and step and data is not None else None

    def _keeps_data(self, name: str) -> bool:
        """Whether the flow of this name keeps its data across turns (it has no steps)."""
        flow = self._by_name.get(name)
        return flow is not None and not flow.steps

    def _data(self, flow: Flow[Any], context: Mapping[str, Any]) -> Any:
        """The flow's data as the context keeps it, or None."""
        saved = context.get(flow.name)
        return flow.data.from_json(saved) if flow.data and isinstance(saved, Mapping) else None

    def _choice_owner(self, choice_id: str) -> Flow[Any] | None:
        owners = (f for f in self.flows if any(choice_id.startswith(p) for p in f.choices))
        return next(owners, None)


def _check(flows: tuple[Flow[Any], ...]) -> None:
    """Refuse a table the registry could not route by (a programming error, at import)."""
    names = [flow.name for flow in flows]
    problems = [f"flow {name!r} listed twice" for name in set(names) if names.count(name) > 1]
    started = [intent for flow in flows for intent in flow.intents]
    problems += [f"{i} starts {started.count(i)} flows" for i in Intent if started.count(i) != 1]
    for flow in flows:
        problems += [f"state {s!r} is not {flow.name}:<step>" for s in flow.steps if ":" not in s]
        problems += [f"{s!r} in {flow.name}" for s in flow.steps if flow_name(s) != flow.name]
        needs = (
            (bool(flow.steps), flow.data is not None),
            (bool(flow.intents), flow.start is not None),
            (bool(flow.choices), flow.on_choice is not None),
        )
        if any(has and not given for has, given in needs):
            problems.append(f"{flow.name}: steps need data, intents start, choices on_choice")
    prefixes = [prefix for flow in flows for prefix in flow.choices]
    for index, prefix in enumerate(prefixes):
        later = prefixes[index + 1 :]
        clashes = [other for other in later if other.startswith(prefix) or prefix.startswith(other)]
        problems += [f"choice prefixes {prefix!r} and {other!r} overlap" for other in clashes]
    if problems:
        raise ValueError("; ".join(problems))


FLOWS = Registry(
    (
        original.FLOW,
        read.FLOW,
        consent.FLOW,
        questionnaire.FLOW,
        language.FLOW,
        notices.FLOW,
        chased.FLOW,
        evening.FLOW,
        policy.FLOW,
        withdraw.FLOW,
        withdraw.SUGGESTION,
        basic.HELP,
        meeting.FLOW,
        basic.DETAILS,
        basic.HANDOFF,
    )
)
