"""The "Show in English" flow: the English original of a translated message, on request.

A translated broadcast or staff reply carries the choice `original:<outbox id>` (added by
bot/outbound/originals.py). The choice is honoured whenever it is tapped, not only right after it
was offered; the Turn's `original` lookup returns the English only for a message sent to this
guardian (safeguarding), else the button has expired. Whatever was pending stays pending.
"""

from __future__ import annotations

from typing import Never

from bot.flows.flow import Flow, expired
from bot.flows.turn import KEEP, StepResult, Turn
from bot.types import Intent, Reply

PREFIX = "original:"
HEADING_KEY = "original.heading"


def show(turn: Turn, _data: object) -> StepResult:
    """The English original the tapped (or numbered) choice names, under a heading."""
    english = turn.original(turn.choice_id or "")
    if english is None:
        return expired(turn)
    reply = Reply(f"{turn.say(HEADING_KEY)}\n\n{english}")
    return StepResult((reply,), state=KEEP, intent=Intent.OTHER)


FLOW: Flow[Never] = Flow(name="original", choices=(PREFIX,), on_choice=show, checks_choices=True)
