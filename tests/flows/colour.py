"""An example flow, written the way a new one is, that registers itself: favourite colours.

A message (a broadcast, say) carries the button `colour:ask:<child id>`. The flow owns the
`colour:` choices and honours them whenever tapped, checking the child is the sender's own (a
flow that looked something up would do it through a Turn callable); it asks, waits in
`colour:which` with the child as its data, and reads the answer in words. A real flow's messages
go in content/messages/<lang>.toml and its cue words in content/nlu/lang/<code>.toml; this one,
living in the tests, brings its messages as a catalog to give the engine and its cue words as a
table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.flows.flow import Flow, Step, expired
from bot.flows.registry import FLOWS
from bot.flows.turn import StepResult, Turn
from bot.i18n.catalog import Catalog
from bot.i18n.names import parent_catalog
from bot.types import Intent

PREFIX = "colour:"
ASK = "colour:ask:"
WHICH = "colour:which"
MESSAGES = {
    "colour.ask": "What is {child}'s favourite colour?",
    "colour.again": "Sorry, which colour: red, blue, green or yellow?",
    "colour.thanks": "{colour}, lovely! We'll tell {child}'s room.",
}
CUES = {  # cue words, as a lexicon section would list them per language
    "red": ("red", "czerwony"),
    "blue": ("blue", "niebieski"),
    "green": ("green", "zielony"),
    "yellow": ("yellow", "żółty"),
}


@dataclass(frozen=True)
class ColourData:
    """The child whose colour the flow asked for."""

    child: int

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        return {"child": self.child}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColourData:
        """Read back what `to_json` wrote."""
        return cls(int(data["child"]))


def ask(turn: Turn, _data: ColourData | None) -> StepResult:
    """The button tapped: ask about the sender's own child, else the button has expired."""
    number = (turn.choice_id or "").removeprefix(ASK)
    child = turn.sender.child(int(number)) if number.isdecimal() else None
    if child is None:
        return expired(turn)
    reply = turn.reply("colour.ask", child=child.name)
    return StepResult((reply,), state=WHICH, data=(ColourData(child.id),))


def answer(turn: Turn, data: ColourData) -> StepResult | None:
    """A colour in words ends the flow; a request of another kind is not an answer (None)."""
    words = turn.text.casefold().replace(",", " ").split()
    colour = next((name for name, cues in CUES.items() if set(cues) & set(words)), None)
    if colour is None:
        if turn.understanding.intent is not Intent.OTHER:
            return None
        return StepResult((turn.reply("colour.again"),), state=WHICH, data=(data,))
    child = turn.sender.child(data.child)
    name = child.name if child else ""
    return StepResult((turn.reply("colour.thanks", colour=colour.capitalize(), child=name),))


FLOW = Flow(
    name="colour",
    steps={WHICH: Step(answer)},
    data=ColourData,
    choices=(PREFIX,),
    on_choice=ask,
    checks_choices=True,
)
REGISTERED = FLOWS.including(FLOW)  # the table with this flow added: what an engine is given


def catalog() -> Catalog:
    """The curated messages with this flow's (in English: other languages fall back to it)."""
    messages = parent_catalog().messages
    return Catalog(
        {code: dict(table) for code, table in messages.items()} | {"en": messages["en"] | MESSAGES}
    )
