"""Choices that act on a recorded notice carry it: `notice:withdraw:A12`, `notice:change:A12+A13`.

Staff know a notice by its ref (A12 an absence, C7 a collection change; one per child). A flow
step is pure and cannot know a ref before the record is written, so it writes NEW where the refs
go, in its choice ids and in the draft it keeps; once the effects are applied the engine calls
`fill` with the refs the apply step reported. A record choice is honoured on any message, old or
new, while its notice may still be acted on (the notice flow checks that through the Turn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.flows.draft import NoticeData
from bot.flows.turn import StepResult
from bot.types import Choice, Reply

PREFIX = "notice:"
CHANGE, WITHDRAW = "change", "withdraw"
ACTIONS = (CHANGE, WITHDRAW)
NEW = "new"  # stands for the refs of the notice this step records
SEPARATOR = "+"
_REFS = re.compile(r"[AC][1-9][0-9]{0,9}(?:\+[AC][1-9][0-9]{0,9}){0,19}")


@dataclass(frozen=True, slots=True)
class RecordChoice:
    """What a record choice asks: an action on the notice these refs name."""

    action: str
    refs: tuple[str, ...]


def record_choice(action: str, refs: tuple[str, ...]) -> str:
    """The choice id for `action` on the notice with these refs (or NEW)."""
    return f"{PREFIX}{action}:{SEPARATOR.join(refs)}"


def acts_on_record(choice_id: str) -> bool:
    """Whether the choice id claims to act on a recorded notice (well formed or not)."""
    return any(choice_id.startswith(f"{PREFIX}{action}") for action in ACTIONS)


def parse(choice_id: str) -> RecordChoice | None:
    """The action and refs of a well-formed record choice; None for anything else."""
    for action in ACTIONS:
        refs = choice_id.removeprefix(f"{PREFIX}{action}:")
        if refs != choice_id and _REFS.fullmatch(refs):
            return RecordChoice(action, tuple(refs.split(SEPARATOR)))
    return None


def fill(result: StepResult, refs: tuple[str, ...]) -> StepResult:
    """The step's replies and kept draft with NEW replaced by the refs just recorded."""
    if not refs:
        return result
    replies = tuple(
        Reply(
            reply.text,
            tuple(Choice(_filled(choice.id, refs), choice.label) for choice in reply.choices),
        )
        for reply in result.replies
    )
    data = tuple(
        replace(item, draft=replace(item.draft, refs=refs))
        if isinstance(item, NoticeData) and item.draft.refs == (NEW,)
        else item
        for item in result.data
    )
    return replace(result, replies=replies, data=data)


def _filled(choice_id: str, refs: tuple[str, ...]) -> str:
    for action in ACTIONS:
        if choice_id == record_choice(action, (NEW,)):
            return record_choice(action, refs)
    return choice_id
