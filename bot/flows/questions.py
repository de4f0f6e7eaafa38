"""The questions a notice asks (which child, which day, who collects and, when the parent
gave only a relationship, their name), with their choices.

Every choice offered here is honoured only while it is the last reply's
(bot/pipeline/choices.py), so the notice flow can read a `child:` or `date:` choice back without
checking it again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.flows import readback
from bot.flows.dates import is_open, next_open_day
from bot.flows.draft import ABSENCE, Draft, NoticeData
from bot.flows.effects import AbsenceAfterArrival
from bot.flows.turn import ChildView, StepResult, Turn
from bot.types import Choice, Reply

ASK_CHILD, ASK_DATE, ASK_COLLECTOR = "notice:child", "notice:date", "notice:collector"
ASK_COLLECTOR_NAME = "notice:collector_name"  # a collector given only as "my sister"
QUESTIONS = (ASK_CHILD, ASK_DATE, ASK_COLLECTOR, ASK_COLLECTOR_NAME)
CANCEL = "notice:cancel"


def kept(draft: Draft) -> tuple[NoticeData]:
    """The notice flow's data that keeps this draft (its question not yet asked again)."""
    return (NoticeData(draft),)


def signed_in_today(turn: Turn, draft: Draft) -> list[ChildView]:
    """The draft's children already signed in today, when it is an absence from today."""
    if draft.kind != ABSENCE or draft.start != turn.today:
        return []
    children = (turn.sender.child(child_id) for child_id in draft.children)
    return [child for child in children if child is not None and child.signed_in]


def ask_about_signed_in(turn: Turn, draft: Draft, signed_in: list[ChildView]) -> StepResult:
    """ "Maya was signed in at 08:02 today: is this about another day?"; the room is told."""
    if len(signed_in) == 1:
        text = turn.say("notice.signed_in", child=signed_in[0].name, time=signed_in[0].signed_in)
    else:
        names = tuple(child.id for child in signed_in)
        text = turn.say("notice.signed_in_many", children=readback.child_names(turn, names))
    asked = ask(turn, ASK_DATE, draft)
    choices = (*_day_choices(turn, after=turn.today), turn.choice(CANCEL, "choice.cancel"))
    effects = tuple(
        AbsenceAfterArrival(child.id, child.signed_in or "", draft.words) for child in signed_in
    )
    return replace(asked, replies=(Reply(text, choices),), effects=effects)


def ask(
    turn: Turn, state: str, draft: Draft, *, again: bool = False, past: bool = False
) -> StepResult:
    """The question for `state` with its choices and Cancel; the draft is kept meanwhile."""
    cancel = turn.choice(CANCEL, "choice.cancel")
    if state == ASK_CHILD:
        choices = [
            turn.choice(f"child:{c.id}", "choice.child", child=c.name) for c in turn.sender.children
        ]
        choices.append(turn.choice("child:all", "choice.all_children"))
        reply = turn.reply("notice.ask_child", *choices, cancel)
    elif state == ASK_DATE:
        key = "notice.ask_date_past" if past else "notice.ask_date"
        reply = turn.reply(key, *_day_choices(turn), cancel)
    elif state == ASK_COLLECTOR_NAME:
        relation = readback.collector_label(turn, None, draft.collector_relationship)
        reply = turn.reply("collection.ask_collector_name", cancel, relation=relation)
    else:
        reply = turn.reply("collection.ask_collector", cancel)
    replies = (turn.reply("notice.not_understood"), reply) if again else (reply,)
    return StepResult(replies, state=state, data=kept(draft))


def _day_choices(turn: Turn, after: date | None = None) -> list[Choice]:
    """The next two open days (from today, or after `after`) as choices."""
    first = (
        turn.today
        if after is None and is_open(turn.today, turn.setting)
        else next_open_day(after or turn.today, turn.setting)
    )
    second = next_open_day(first, turn.setting)
    return [
        turn.choice(f"date:{day.isoformat()}", "choice.day", day=readback.when(turn, day, day))
        for day in (first, second)
    ]
