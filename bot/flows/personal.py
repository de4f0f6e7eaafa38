"""Questions about the sender's own children that the roster answers: their key person, their
room, the days they are booked. Only the sender's children are ever named in an answer: a child
named who is none of theirs was refused before any flow (bot/flows/registry.py), and one of
theirs named among others is answered alone."""

from __future__ import annotations

from bot import calendar
from bot.flows.dates import weekday_name
from bot.flows.turn import ChildView, Turn
from bot.types import Reply

KEY = "personal"  # the catalog table


def roster_answer(turn: Turn) -> Reply | None:
    """The answer to a personal fact question, one line per child asked about; None when the
    message asks none (or the sender has no children on the roster)."""
    fact = turn.understanding.personal_fact
    children = asked_about(turn)
    if fact is None or not children:
        return None
    return Reply("\n".join(_line(turn, fact, child) for child in children))


def asked_about(turn: Turn) -> tuple[ChildView, ...]:
    """The sender's children the question names, else all of them."""
    named = (turn.sender.child(child_id) for child_id in turn.understanding.children)
    return tuple(child for child in named if child is not None) or turn.sender.children


def _line(turn: Turn, fact: str, child: ChildView) -> str:
    if fact == "key_person":
        if child.key_person:
            return turn.say(f"{KEY}.key_person", child=child.name, key_person=child.key_person)
    elif fact == "room":
        if child.room:
            return turn.say(f"{KEY}.room", child=child.name, room=child.room)
    else:
        days = child.attendance_days or calendar.WORKING_WEEK
        named = [weekday_name(day, turn.language) for day in calendar.WEEKDAYS if day in days]
        listed = (
            turn.say("list.and", items=", ".join(named[:-1]), last=named[-1])
            if len(named) > 1
            else "".join(named)
        )
        return turn.say(f"{KEY}.days", child=child.name, days=listed)
    return turn.say(f"{KEY}.unknown", child=child.name)
