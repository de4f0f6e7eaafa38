"""The consent flow: a family's Yes / No for one child to a consent request.

A consent request (`consent [to ROOM]: TEXT by WHEN`, bot/staff/broadcasts.py) carries, for each
child of the family in scope, `consent:<broadcast id>:<child id>:yes` and `...:no`. They are
honoured whenever tapped (or answered by number on SMS), only from a guardian the request asked
about that child; the latest answer stands. Whatever was pending stays pending.
"""

from __future__ import annotations

from typing import Never

from bot.flows.effects import RecordConsent
from bot.flows.flow import Flow, expired
from bot.flows.turn import KEEP, StepResult, Turn
from bot.types import Intent

PREFIX = "consent:"
ANSWERS = ("yes", "no")


def answer(turn: Turn, _data: object) -> StepResult:
    """Record the answer for the child and thank the family."""
    parts = (turn.choice_id or "").removeprefix(PREFIX).split(":")
    if len(parts) != 3 or not (parts[0] + parts[1]).isdecimal() or parts[2] not in ANSWERS:
        return expired(turn)
    broadcast_id, child_id, said = int(parts[0]), int(parts[1]), parts[2]
    if not turn.consent_asked(broadcast_id, child_id):
        return expired(turn)
    child = turn.sender.child(child_id)
    name = child.name if child else ""
    reply = turn.reply(f"consent.thanks_{said}", name=turn.sender.first_name, child=name)
    effect = RecordConsent(broadcast_id, child_id, said, turn.now)
    return StepResult((reply,), (effect,), state=KEEP, intent=Intent.OTHER)


FLOW: Flow[Never] = Flow(name="consent", choices=(PREFIX,), on_choice=answer, checks_choices=True)
