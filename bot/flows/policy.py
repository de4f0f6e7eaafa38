"""Policy questions: the roster's facts about the sender's own children, the setting's facts,
then a quoted passage with its source, sections to choose between when the best passages are
close, else a handoff.

Beside a quote the flow offers what the question is about as a choice ("Pass a concern to Jess"
after "how do I complain?"; bot/flows/policy_offers.py); a quote translated for the parent offers
its English original. While those choices are the last reply's, the question waits in
`policy:offered` with its data; any other message is a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Self

from bot.flows import personal, policy_offers
from bot.flows.basic import responder
from bot.flows.effects import CiteSource, CreateHandoff
from bot.flows.flow import Flow, Step, expired
from bot.flows.turn import END, PolicyConsult, PolicyHit, StepResult, Turn
from bot.types import Choice, Intent, Reply

PREFIX = "policy:"
OFFERED = "policy:offered"
SECTION = "policy:section:"  # + passage id: "this section", when asked back
PERSON = "policy:person"  # "Something else, ask a person"
ENGLISH = "policy:english"  # the English original of a translated quote


@dataclass(frozen=True)
class PolicyData:
    """The question the last reply answered or asked back about, as the parent wrote it and as
    it was searched, with the children it named, the flow it touches and the passage quoted."""

    question: str
    searched: str
    children: tuple[int, ...] = ()
    touches: str | None = None
    passage_id: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "searched": self.searched,
            "children": list(self.children),
            "touches": self.touches,
            "passage_id": self.passage_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            str(data["question"]),
            str(data["searched"]),
            tuple(int(c) for c in data.get("children", ())),
            data.get("touches"),
            int(data.get("passage_id", 0)),
        )


def answer(turn: Turn) -> StepResult:
    """Answer from the roster or the setting's own words, ask which section is meant, or say
    plainly it is not covered and pass it on. Another person's contact details are never given,
    nor the question passed on."""
    if turn.understanding.others_details:
        setting = turn.setting
        return StepResult(
            (turn.reply("safeguarding.others_details", phone=setting.phone, email=setting.email),)
        )
    roster = personal.roster_answer(turn)
    if roster is not None:
        return StepResult((roster,))
    fact = turn.answer_fact(turn.text)
    if fact:
        return StepResult((Reply(fact),))
    consulted = turn.consult_policy(turn.text)
    data = _data(turn, consulted)
    if consulted.hit is not None:
        return quote(turn, consulted.hit, data, offers=True)
    if consulted.sections:
        return ask_back(turn, consulted, data)
    return not_covered(turn, turn.text)


def quote(turn: Turn, hit: PolicyHit, data: PolicyData, *, offers: bool) -> StepResult:
    """The quote with its source (translated for the parent, with its English on request when
    translated), and the flow the question touches offered beside it."""
    source = turn.say("policy.source", source=hit.source)
    text = f"{hit.text}\n{source}"
    choices: list[Choice] = []
    if turn.language != "en":
        translated = turn.translate_to_parent(hit.text)
        if translated:
            text = f"{translated}\n{source}\n{turn.say('policy.machine_translated')}"
            choices.append(turn.choice(ENGLISH, "original.show"))
        else:
            text = f"{turn.say('policy.english_only')}\n\n{text}"
    if offers:
        choices = [*policy_offers.offers(turn, data.touches), *choices]
    kept = PolicyData(data.question, data.searched, data.children, data.touches, hit.passage_id)
    return StepResult(
        (Reply(text, tuple(choices)),),
        (CiteSource(hit.document, hit.section),),
        state=OFFERED if choices else END,
        data=(kept,) if choices else (),
    )


def ask_back(turn: Turn, consulted: PolicyConsult, data: PolicyData) -> StepResult:
    """ "Is your question about one of these?" with the sections' titles (in the parent's
    language when a translation can be made), the flow the question touches, and "Something
    else, ask a person"."""
    choices = [
        Choice(f"{SECTION}{s.passage_id}", turn.translate_to_parent(s.label) or s.label)
        for s in consulted.sections
    ]
    choices += policy_offers.offers(turn, data.touches)
    choices.append(turn.choice(PERSON, "policy_answers.ask_person"))
    reply = turn.reply("policy_answers.ask_back", *choices)
    return StepResult((reply,), state=OFFERED, data=(data,))


def not_covered(turn: Turn, question: str) -> StepResult:
    """Not in the policies: said plainly, and the question passed to staff."""
    child, who = responder(turn)
    return StepResult(
        (turn.reply("policy.not_covered", who=who),),
        (CreateHandoff("policy_unanswered", question, child.id if child else None),),
    )


def chosen(turn: Turn, data: PolicyData | None) -> StepResult | None:
    """A section picked (its quote for the question), a person asked for, the English original
    of the quote, or the flow offered beside it."""
    if data is None:
        return expired(turn)
    choice = turn.choice_id or ""
    result: StepResult | None
    if choice.startswith(SECTION):
        passage = choice.removeprefix(SECTION)
        hit = turn.quote_policy(data.searched, int(passage)) if passage.isdigit() else None
        result = quote(turn, hit, data, offers=True) if hit else not_covered(turn, data.question)
    elif choice == PERSON:
        result = not_covered(turn, data.question)
    elif choice == ENGLISH:
        hit = turn.quote_policy(data.searched, data.passage_id)
        text = f"{turn.say('original.heading')}\n\n{hit.text}" if hit else None
        result = StepResult((Reply(text),)) if text else None
    else:
        result = policy_offers.start(turn, data.question, data.children, choice)
    if result is None:
        return expired(turn)
    return result if result.intent else replace(result, intent=Intent.POLICY_QUESTION)


def _data(turn: Turn, consulted: PolicyConsult) -> PolicyData:
    touches = turn.understanding.touches
    return PolicyData(
        turn.text,
        consulted.searched or turn.text,
        turn.understanding.children,
        touches.value if touches else None,
    )


def _waiting(_turn: Turn, _data: PolicyData) -> StepResult | None:
    """Any message but a choice is a new one."""
    return None


FLOW: Flow[PolicyData] = Flow(
    name="policy",
    start=answer,
    intents=frozenset({Intent.POLICY_QUESTION}),
    steps={OFFERED: Step(_waiting)},
    data=PolicyData,
    choices=(PREFIX,),
    on_choice=chosen,
)
