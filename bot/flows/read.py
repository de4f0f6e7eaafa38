"""The "Got it" flow: a family confirms they have seen an urgent broadcast.

An urgent broadcast carries the choice `read:<broadcast id>` (bot/recording/broadcasts.py). It is
honoured whenever it is tapped (or answered by number on SMS), not only right after it was
offered, but only from a guardian the broadcast went to; anyone else's tap has expired. The
confirmation is recorded ({"type": "read_confirmation"}) and stops the urgent follow-up for that
family. Whatever was pending stays pending.
"""

from __future__ import annotations

from typing import Never

from bot.flows.effects import ConfirmRead
from bot.flows.flow import Flow, expired
from bot.flows.turn import KEEP, StepResult, Turn
from bot.types import Intent

PREFIX = "read:"
THANKS_KEY = "broadcasts.read_thanks"


def confirm(turn: Turn, _data: object) -> StepResult:
    """Thank the family and record that they have seen it."""
    number = (turn.choice_id or "").removeprefix(PREFIX)
    if not number.isdecimal() or not turn.broadcast_sent(int(number)):
        return expired(turn)
    reply = turn.reply(THANKS_KEY, name=turn.sender.first_name)
    effect = ConfirmRead(int(number), turn.now)
    return StepResult((reply,), (effect,), state=KEEP, intent=Intent.OTHER)


FLOW: Flow[Never] = Flow(name="read", choices=(PREFIX,), on_choice=confirm, checks_choices=True)
