"""Answers to the first-day absence check (bot/jobs/chase.py asks; this pure step reads the answer).

The chase flow has one step and no intent: the scheduled job starts it (`check_sent`). "Not coming
today" (or an absence in their own words: "she's ill") records today's absence for the children
asked about through the normal notice flow; "On our way" (or "running late") tells the room.
Anything else is asked once more, then handled as an ordinary message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.flows import notices, readback
from bot.flows.draft import Draft
from bot.flows.effects import AnswerChase
from bot.flows.flow import Flow, Step
from bot.flows.turn import StepResult, Turn
from bot.i18n.catalog import Catalog
from bot.types import Choice, Intent, Reply

STATE = "chase:asked"
ABSENT, LATE = "chase:absent", "chase:late"


@dataclass(frozen=True)
class ChaseData:
    """The chase flow's data: the day asked about, the children asked about, and whether the
    question was already asked once more."""

    children: tuple[int, ...]
    day: date
    again: bool = False

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        return {"children": list(self.children), "date": self.day.isoformat(), "again": self.again}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChaseData:
        """Read back what `to_json` wrote."""
        day = date.fromisoformat(data["date"])
        return cls(tuple(data["children"]), day, bool(data.get("again")))


def question(catalog: Catalog, language: str, names: list[str]) -> Reply:
    """ "We haven't seen Maya this morning. Is Maya coming in today?" with its two choices."""
    if len(names) == 1:
        text = catalog.text("chase.ask_one", language, child=names[0])
    else:
        listed = catalog.text("list.and", language, items=", ".join(names[:-1]), last=names[-1])
        text = catalog.text("chase.ask_many", language, children=listed)
    choices = (
        Choice(ABSENT, catalog.text("chase.not_coming", language)),
        Choice(LATE, catalog.text("chase.on_the_way", language)),
    )
    return Reply(text, choices)


def check_sent(reply: Reply, children: tuple[int, ...], day: date) -> StepResult:
    """The check as the job sends it: the question, waiting in the chase flow's one step."""
    return StepResult((reply,), state=STATE, data=(ChaseData(children, day),))


def resume(turn: Turn, data: ChaseData) -> StepResult | None:
    """The guardian's answer to today's check; None when the message is about something else."""
    asked = _asked(turn, data)
    found = turn.understanding
    named = tuple(i for i in found.children if i in asked)
    if not asked or (found.children and not named):
        return None
    children = named or asked
    if found.dates and not found.dates.start <= turn.today <= found.dates.end:
        return None  # another day's notice: the ordinary flow takes it, today's check stays open
    if turn.choice_id == ABSENT or found.intent is Intent.ABSENCE or found.reason or found.symptoms:
        return _absent(turn, children)
    if turn.choice_id == LATE or found.minutes_late is not None or _late_words(turn):
        return _late(turn, children)
    if data.again or found.intent is not Intent.OTHER:
        return None
    replies = (turn.reply("notice.not_understood"), _question(turn, asked))
    return StepResult(replies, state=STATE, data=(replace(data, again=True),))


def ask_again(turn: Turn, data: ChaseData) -> StepResult | None:
    """Today's check once more, unchanged (after an expired button or a refusal)."""
    asked = _asked(turn, data)
    if not asked:
        return None
    return StepResult((_question(turn, asked),), state=STATE, data=(data,))


def _asked(turn: Turn, data: ChaseData) -> tuple[int, ...]:
    """The sender's children today's check asked about (none when it is not today's)."""
    if data.day != turn.today:
        return ()
    return tuple(i for i in data.children if turn.sender.child(i))


def _question(turn: Turn, asked: tuple[int, ...]) -> Reply:
    names = [child.name for i in asked if (child := turn.sender.child(i))]
    return question(turn.catalog, turn.language, names)


def _late_words(turn: Turn) -> bool:
    """A lateness message that names no collector ("running late") answers the check."""
    found = turn.understanding
    return found.intent is Intent.COLLECTION_CHANGE and not (
        found.collector_name or found.collector_relationship
    )


def _absent(turn: Turn, children: tuple[int, ...]) -> StepResult:
    found = turn.understanding
    draft = Draft(
        kind=Intent.ABSENCE.value,
        children=children,
        start=turn.today,
        end=found.dates.end if found.dates else turn.today,
        reason=found.reason.value if found.reason else None,
        symptoms=found.symptoms,
    ).with_words(turn.text)
    result = notices.advance(turn, draft)
    answered = AnswerChase(children, turn.today, "absent", turn.now, draft.words)
    return replace(result, effects=(*result.effects, answered), intent=Intent.ABSENCE)


def _late(turn: Turn, children: tuple[int, ...]) -> StepResult:
    text = turn.say(
        "chase.expect_later",
        name=turn.sender.first_name,
        children=readback.child_names(turn, children),
    )
    words = " ".join(turn.text.split())
    return StepResult((Reply(text),), (AnswerChase(children, turn.today, "late", turn.now, words),))


FLOW = Flow(name="chase", steps={STATE: Step(resume, ask_again)}, data=ChaseData)
