"""What the meeting flow says: slot labels, the read-back of a booked meeting with its Move /
Cancel choices, and the meeting's id filled in once the booking is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.flows.dates import short_date
from bot.flows.turn import StepResult, Turn
from bot.meetings.options import meeting_options
from bot.meetings.views import CANCEL, MOVE, NEW, MeetingView
from bot.types import Choice, Reply


def when(turn: Turn, start: datetime) -> dict[str, str]:
    """The day and time as the parent reads them ("wt. 24 lis", "16:00")."""
    return {"day": short_date(start.date(), turn.language), "time": f"{start:%H:%M}"}


def slot_label(turn: Turn, start: datetime) -> str:
    """A slot's choice label: "Tue 24 Nov 16:00"."""
    return turn.say("meetings.slot", **when(turn, start))


def child_names(turn: Turn, child_ids: tuple[int, ...]) -> str:
    """The sender's children these ids name, as the family calls them ("Maya", "Maya, Leo")."""
    names = [child.name for child in turn.sender.children if child.id in child_ids]
    return ", ".join(names)


def where(turn: Turn, mode: str) -> str:
    """Where (or how) the meeting happens, in the parent's language."""
    if mode in ("phone", "video"):
        return turn.say(f"meetings.where_{mode}")
    place = meeting_options(turn.setting.options).place or turn.setting.name
    return turn.say("meetings.where_in_person", place=place)


def readback(turn: Turn, key: str, meeting: MeetingView, meeting_id: str = NEW) -> Reply:
    """The meeting read back (day, time, who, where, what to bring), with Move / Cancel."""
    options = meeting_options(turn.setting.options)
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    text = turn.say(
        key,
        staff=meeting.staff,
        child=child_names(turn, meeting.child_ids),
        minutes=minutes,
        where=where(turn, meeting.mode),
        **when(turn, meeting.start),
    )
    if options.bring:
        text += " " + turn.say("meetings.bring", bring=options.bring)
    return Reply(text, actions(turn, meeting_id))


def actions(turn: Turn, meeting_id: str) -> tuple[Choice, ...]:
    """Move / Cancel for a booked meeting."""
    return (
        turn.choice(f"{MOVE}{meeting_id}", "meetings.move"),
        turn.choice(f"{CANCEL}{meeting_id}", "meetings.cancel"),
    )


def fill(result: StepResult, booked: tuple[int, ...]) -> StepResult:
    """The step's Move / Cancel choices with NEW replaced by the id of the meeting just booked."""
    if not booked:
        return result
    new_ids = {f"{MOVE}{NEW}": f"{MOVE}{booked[-1]}", f"{CANCEL}{NEW}": f"{CANCEL}{booked[-1]}"}
    replies = tuple(
        Reply(
            reply.text,
            tuple(
                Choice(new_ids.get(choice.id, choice.id), choice.label) for choice in reply.choices
            ),
        )
        for reply in result.replies
    )
    return replace(result, replies=replies)
