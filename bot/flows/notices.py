"""Absence and collection-change notices: fill a draft, ask what is missing, record, read back.

The draft lives in the conversation context between messages as plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any

from bot import illness
from bot.flows import readback
from bot.flows.dates import is_open, next_open_day, open_days
from bot.flows.effects import (
    Effect,
    RecordAbsence,
    RecordCollectionChange,
    WithdrawAbsence,
    WithdrawCollectionChange,
)
from bot.flows.turn import StepResult, Turn
from bot.types import Choice, Intent, Reply

ABSENCE = Intent.ABSENCE.value
COLLECTION = Intent.COLLECTION_CHANGE.value
ASK_CHILD, ASK_DATE, ASK_COLLECTOR, DONE = (
    "notice.child",
    "notice.date",
    "notice.collector",
    "notice.done",
)
STATES = (ASK_CHILD, ASK_DATE, ASK_COLLECTOR, DONE)
UNDATED_ABSENCE_CUTOFF = time(12, 0)  # before noon, "mark Isla absent" means today


@dataclass(frozen=True)
class Draft:
    """A notice being put together; serialised into the conversation context."""

    kind: str
    children: tuple[int, ...] = ()
    start: date | None = None
    end: date | None = None
    reason: str | None = None
    symptoms: tuple[str, ...] = ()
    collector_name: str | None = None
    collector_relationship: str | None = None
    time: str | None = None
    minutes_late: int | None = None
    words: str = ""  # the parent's own messages for this notice, quoted to staff

    def with_words(self, text: str) -> Draft:
        """The draft with another message of the parent's added (bare numbers are choices)."""
        cleaned = " ".join(text.split())
        if not cleaned or cleaned.isdecimal():
            return self
        return replace(self, words=f"{self.words} / {cleaned}" if self.words else cleaned)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the conversation context."""
        data = self.__dict__ | {"children": list(self.children), "symptoms": list(self.symptoms)}
        return data | {"start": _iso(self.start), "end": _iso(self.end)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        """Read back a draft saved by `to_json`."""
        return cls(
            **(
                data
                | {
                    "children": tuple(data.get("children", ())),
                    "symptoms": tuple(data.get("symptoms", ())),
                    "start": _date(data.get("start")),
                    "end": _date(data.get("end")),
                }
            )
        )

    @property
    def is_lateness(self) -> bool:
        return self.kind == COLLECTION and self.minutes_late is not None


def start(turn: Turn) -> StepResult:
    """A new absence or collection notice from what the understanding step found."""
    refusal = _refusal(turn)
    if refusal:
        return refusal
    found = turn.understanding
    draft = Draft(
        kind=found.intent.value,
        children=_own_children(turn),
        start=found.dates.start if found.dates else None,
        end=found.dates.end if found.dates else None,
        reason=found.reason.value if found.reason else None,
        symptoms=found.symptoms,
        collector_name=found.collector_name,
        collector_relationship=found.collector_relationship,
        time=found.time.strftime("%H:%M") if found.time else None,
        minutes_late=found.minutes_late,
        words=" ".join(turn.text.split()),
    )
    if draft.start is None and (draft.is_lateness or _means_today(turn, draft)):
        draft = replace(draft, start=turn.today, end=turn.today)
    return advance(turn, draft)


def resume(turn: Turn, state: str, context: dict[str, Any]) -> StepResult | None:
    """Continue a pending notice with this message; None when it is about something else."""
    result = _resume(turn, state, context)
    kind = Intent(context["draft"]["kind"])
    return replace(result, intent=kind) if result is not None else None


def _resume(turn: Turn, state: str, context: dict[str, Any]) -> StepResult | None:
    if state == DONE:
        return _after_readback(turn, context)
    draft = Draft.from_json(context["draft"]).with_words(turn.text)
    if turn.choice_id == "notice:cancel":
        return StepResult((turn.reply("notice.cancelled"),))
    filled = _fill(turn, state, draft)
    if filled is None:
        if _changes_subject(turn):
            return None
        return _ask(turn, state, draft, again=True)
    return advance(turn, filled)


def advance(turn: Turn, draft: Draft) -> StepResult:
    """Ask for the first missing piece, or record the notice."""
    if not draft.children:
        return _ask(turn, ASK_CHILD, draft)
    if draft.start is None or draft.start < turn.today:
        return _ask(turn, ASK_DATE, draft, past=draft.start is not None)
    if (
        draft.kind == COLLECTION
        and not draft.is_lateness
        and not (draft.collector_name or draft.collector_relationship)
    ):
        return _ask(turn, ASK_COLLECTOR, draft)
    return _record(turn, draft)


def _means_today(turn: Turn, draft: Draft) -> bool:
    """An absence with no day, sent on an open morning, is for today; the read-back names the
    date and offers Change. Later in the day, or on a closed day, the bot asks instead."""
    return (
        draft.kind == ABSENCE
        and turn.now.time() < UNDATED_ABSENCE_CUTOFF
        and is_open(turn.today, turn.setting)
    )


def _refusal(turn: Turn) -> StepResult | None:
    found = turn.understanding
    if found.unmatched_names and not found.children:
        return StepResult((turn.reply("notice.not_your_child"),))
    if not turn.sender.children:
        return StepResult((turn.reply("notice.no_children"),))
    if found.intent is Intent.COLLECTION_CHANGE and not turn.sender.can_give_collection_permission:
        return StepResult((turn.reply("collection.no_permission", setting=turn.setting.name),))
    return None


def _own_children(turn: Turn) -> tuple[int, ...]:
    found, sender = turn.understanding, turn.sender
    if found.all_children:
        return tuple(child.id for child in sender.children)
    own = tuple(child_id for child_id in found.children if sender.child(child_id))
    if not own and len(sender.children) == 1 and not found.unmatched_names:
        return (sender.children[0].id,)
    return own


def _fill(turn: Turn, state: str, draft: Draft) -> Draft | None:
    found, choice = turn.understanding, turn.choice_id or ""
    if state == ASK_CHILD:
        if choice == "child:all":
            return replace(draft, children=tuple(child.id for child in turn.sender.children))
        if choice.startswith("child:") and turn.sender.child(int(choice[6:])):
            return replace(draft, children=(int(choice[6:]),))
        children = _own_children(turn)
        return replace(draft, children=children) if children else None
    if state == ASK_DATE:
        if choice.startswith("date:"):
            day = date.fromisoformat(choice[5:])
            return replace(draft, start=day, end=day)
        if found.dates:
            return replace(draft, start=found.dates.start, end=found.dates.end)
        return None
    name = found.collector_name or _plain_answer(turn.text)
    if not (name or found.collector_relationship):
        return None
    return replace(draft, collector_name=name, collector_relationship=found.collector_relationship)


def _plain_answer(text: str) -> str | None:
    """A short free-text answer ("Auntie Sarah") taken as it is."""
    cleaned = " ".join(text.split())
    return cleaned if 0 < len(cleaned) <= 60 else None


def _changes_subject(turn: Turn) -> bool:
    found = turn.understanding
    return found.confidence >= 0.6 and found.intent not in (
        Intent.ABSENCE,
        Intent.COLLECTION_CHANGE,
        Intent.OTHER,
    )


def _ask(
    turn: Turn, state: str, draft: Draft, *, again: bool = False, past: bool = False
) -> StepResult:
    cancel = turn.choice("notice:cancel", "choice.cancel")
    context = {"draft": draft.to_json()}
    if state == ASK_CHILD:
        choices = [
            turn.choice(f"child:{c.id}", "choice.child", child=c.name) for c in turn.sender.children
        ]
        choices.append(turn.choice("child:all", "choice.all_children"))
        reply = turn.reply("notice.ask_child", *choices, cancel)
    elif state == ASK_DATE:
        reply = turn.reply(
            "notice.ask_date_past" if past else "notice.ask_date", *_day_choices(turn), cancel
        )
    else:
        reply = turn.reply("collection.ask_collector", cancel)
    replies = (turn.reply("notice.not_understood"), reply) if again else (reply,)
    return StepResult(replies, state=state, context=context)


def _day_choices(turn: Turn) -> list[Choice]:
    first = (
        turn.today if is_open(turn.today, turn.setting) else next_open_day(turn.today, turn.setting)
    )
    second = next_open_day(first, turn.setting)
    return [
        turn.choice(f"date:{day.isoformat()}", "choice.day", day=readback.when(turn, day, day))
        for day in (first, second)
    ]


def _record(turn: Turn, draft: Draft) -> StepResult:
    assert draft.start is not None
    end = draft.end or draft.start
    days = open_days(draft.start, end, turn.setting)
    if not days:
        return StepResult(
            (turn.reply("notice.closed", when=readback.when(turn, draft.start, end)),)
        )
    effect, text = (_absence if draft.kind == ABSENCE else _collection)(turn, draft, days)
    choices = (
        turn.choice("notice:change", "choice.change"),
        turn.choice("notice:withdraw", "choice.withdraw"),
    )
    recorded = replace(draft, start=days[0], end=days[-1])
    return StepResult(
        (Reply(text, choices),), (effect,), state=DONE, context={"draft": recorded.to_json()}
    )


def _absence(turn: Turn, draft: Draft, days: list[date]) -> tuple[Effect, str]:
    """The absence over the open days, and its read-back with any illness guidance."""
    effect = RecordAbsence(
        draft.children, days[0], days[-1], draft.reason or "other", draft.symptoms, draft.words
    )
    text = readback.absence(turn, draft.children, days, draft.reason, draft.symptoms)
    table = turn.setting.options.get(illness.OPTION, {})
    guidance = illness.readback_line(turn.catalog, turn.language, table, draft.symptoms)
    return effect, text + (f"\n{guidance}" if guidance else "")


def _collection(turn: Turn, draft: Draft, days: list[date]) -> tuple[Effect, str]:
    """The collection change for the first open day (valid that day only), and its read-back."""
    effect = RecordCollectionChange(
        draft.children,
        days[0],
        draft.collector_name,
        draft.collector_relationship,
        draft.time,
        draft.minutes_late,
        readback.is_authorised(turn, draft.children, draft.collector_name),
        draft.words,
    )
    text = readback.collection(
        turn,
        draft.children,
        days[0],
        draft.collector_name,
        draft.collector_relationship,
        draft.time,
        draft.minutes_late,
    )
    return effect, text


def _after_readback(turn: Turn, context: dict[str, Any]) -> StepResult | None:
    draft = Draft.from_json(context["draft"])
    assert draft.start is not None and draft.end is not None
    withdraw: Effect = (
        WithdrawAbsence(draft.children, draft.start, draft.end)
        if draft.kind == ABSENCE
        else WithdrawCollectionChange(draft.children, draft.start)
    )
    if turn.choice_id == "notice:withdraw":
        return StepResult((turn.reply("notice.withdrawn"),), (withdraw,))
    if turn.choice_id == "notice:change":
        changed = replace(draft, start=None, end=None)
        asked = _ask(turn, ASK_DATE, changed)
        return replace(asked, effects=(withdraw,))
    return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
