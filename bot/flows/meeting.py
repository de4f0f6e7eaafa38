"""Key-person meetings, booked in the chat: free slots offered, one tapped and booked, read back
with Move / Cancel; "None of these suit me" asks when would suit and hands it to the key person,
who may offer a time (`offer H7 Thu 18:15`) that the parent confirms with one tap; "when is my
meeting?", "can we move my meeting", "cancel Tuesday's meeting" by text or by buttons.

Pure: slots, booked meetings and staff offers come through `turn.meetings`; a booking is an
effect, held by the database (a time taken meanwhile books nothing: `after_apply` then offers
fresh times). Every `meeting:` choice is checked here whenever it is tapped: a slot only while
the offer that showed it is the sender's latest, Move / Cancel / Join only for a meeting about
the sender's own child, an offer only when staff made it to the sender.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.flows import meeting_text as say
from bot.flows.basic import only_child
from bot.flows.effects import BookMeeting, CancelMeeting, CreateHandoff, Effect, JoinMeeting
from bot.flows.flow import Flow, Step, expired
from bot.flows.turn import END, StepResult, Turn
from bot.meetings.availability import spread
from bot.meetings.options import meeting_options
from bot.meetings.views import (
    CANCEL,
    MODE,
    MOVE,
    NONE,
    OFFER,
    SLOT,
    MeetingView,
    slot_token,
    token_minutes,
)
from bot.types import Intent, Reply

CHOOSE_CHILD = "meeting:choose_child"
CHOOSE_SLOT = "meeting:choose_slot"
WHEN_SUITS = "meeting:when_suits"
CHILD = "meeting:child:"  # + child id
JOIN = "meeting:join:"  # + meeting id
_NOTICES = frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE})


@dataclass(frozen=True)
class MeetingData:
    """Kept under "meeting" while a step waits: whom the meeting is about and with, the slots
    the last offer showed (tokens), the kind of meeting, the meeting it would replace."""

    children: tuple[int, ...] = ()
    staff: str = ""
    slots: tuple[str, ...] = ()
    mode: str = "in_person"
    move_from: int | None = None
    topic: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "children": list(self.children),
            "staff": self.staff,
            "slots": list(self.slots),
            "mode": self.mode,
            "move_from": self.move_from,
            "topic": self.topic,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeetingData:
        return cls(
            tuple(int(child) for child in data.get("children", ())),
            str(data.get("staff", "")),
            tuple(str(slot) for slot in data.get("slots", ())),
            str(data.get("mode", "in_person")),
            data.get("move_from"),
            str(data.get("topic", "")),
        )


def start(turn: Turn) -> StepResult:
    """A meeting asked for (or one asked about: when, move, cancel)."""
    action = turn.understanding.meeting_action
    if action is not None:
        return _about_booked(turn, action)
    if _names_another_child(turn):
        return StepResult((turn.reply("meetings.not_your_child"),))
    child = only_child(turn)
    if child is None:
        return _which_child(turn)
    return _for_child(turn, child.id, turn.text)


def _names_another_child(turn: Turn) -> bool:
    """A name that is neither one of the sender's children nor a member of staff, and none of
    theirs named: another family's child."""
    found = turn.understanding
    others = [name for name in found.unmatched_names if not turn.meetings.staff_named(name)]
    return bool(others) and not found.children


def _about_booked(turn: Turn, action: str) -> StepResult:
    """ "When is my meeting?" / move / cancel, about the sender's next (or the named day's)."""
    mine = [meeting for meeting in turn.meetings.upcoming() if meeting.attending]
    dates = turn.understanding.dates
    named = [m for m in mine if dates and dates.start <= m.start.date() <= dates.end]
    candidates = named or mine
    if not candidates:
        return StepResult((turn.reply("meetings.none_booked"),))
    meeting = candidates[0]
    if action == "cancel":
        return _cancel(turn, meeting)
    if action == "move":
        return _offer(turn, _moving(meeting))
    replies = tuple(say.readback(turn, "meetings.upcoming", m, str(m.id)) for m in mine[:3])
    return StepResult(replies)


def _moving(meeting: MeetingView) -> MeetingData:
    return MeetingData(meeting.child_ids, meeting.staff, mode=meeting.mode, move_from=meeting.id)


def _which_child(turn: Turn) -> StepResult:
    """Several children and none named: which one is the meeting about?"""
    choices = [
        turn.choice(f"{CHILD}{c.id}", "meetings.child", child=c.name) for c in turn.sender.children
    ]
    return StepResult(
        (turn.reply("meetings.which_child", *choices),),
        state=CHOOSE_CHILD,
        data=(MeetingData(topic=turn.text),),
    )


def _for_child(turn: Turn, child_id: int, topic: str) -> StepResult:
    """The child's meeting already booked by another guardian (join it), else free times with
    the member of staff named in the message, else the child's key person."""
    for meeting in turn.meetings.upcoming():
        if child_id in meeting.child_ids:
            return _existing(turn, meeting)
    child = turn.sender.child(child_id)
    staff = turn.meetings.staff_named(topic) or (child.key_person if child else None)
    if not staff:
        return StepResult(
            (turn.reply("meeting.requested_team"),),
            (CreateHandoff("book_meeting", topic, child_id),),
        )
    return _offer(turn, MeetingData((child_id,), staff, topic=topic, mode=_default_mode(turn)))


def _existing(turn: Turn, meeting: MeetingView) -> StepResult:
    """A meeting about the child is booked: read it back (Move / Cancel), or offer to join."""
    if meeting.attending:
        return StepResult((say.readback(turn, "meetings.upcoming", meeting, str(meeting.id)),))
    text = turn.say(
        "meetings.other_booked",
        child=say.child_names(turn, meeting.child_ids),
        staff=meeting.staff,
        **say.when(turn, meeting.start),
    )
    return StepResult((Reply(text, (turn.choice(f"{JOIN}{meeting.id}", "meetings.join"),)),))


def _default_mode(turn: Turn) -> str:
    return meeting_options(turn.setting.options).modes[0]


def _offer(turn: Turn, data: MeetingData, *notes: Reply) -> StepResult:
    """Up to six free times over at least two days when there are, plus "None of these suit
    me" and the other kinds of meeting the setting allows; no free time: the key person asked."""
    chosen = spread(list(turn.meetings.free(data.staff)))
    staff_id = turn.meetings.staff_id(data.staff)
    if not chosen or staff_id is None:
        child = data.children[0] if data.children else None
        text = turn.reply("meetings.no_times", staff=data.staff)
        return StepResult(
            (*notes, text), (CreateHandoff("book_meeting", data.topic or turn.text, child),)
        )
    tokens = tuple(slot_token(staff_id, slot.start) for slot in chosen)
    choices = [
        *(
            turn.choice(f"{SLOT}{token}", "meetings.slot", **say.when(turn, slot.start))
            for token, slot in zip(tokens, chosen, strict=True)
        ),
        turn.choice(NONE, "meetings.none_suit"),
        *(turn.choice(f"{MODE}{mode}", f"meetings.by_{mode}") for mode in _other_modes(turn, data)),
    ]
    ask = turn.reply(
        f"meetings.choose_{data.mode}",
        *choices,
        staff=data.staff,
        child=say.child_names(turn, data.children),
    )
    return StepResult((*notes, ask), state=CHOOSE_SLOT, data=(replace(data, slots=tokens),))


def _other_modes(turn: Turn, data: MeetingData) -> list[str]:
    return [mode for mode in meeting_options(turn.setting.options).modes if mode != data.mode]


def on_choice(turn: Turn, data: MeetingData | None) -> StepResult | None:
    """Every `meeting:` choice, checked: see the module's docstring."""
    choice = turn.choice_id or ""
    if choice.startswith(SLOT):
        return _slot(turn, data, choice.removeprefix(SLOT))
    if choice == NONE and data is not None and data.slots:
        return StepResult(
            (turn.reply("meetings.ask_when"),), state=WHEN_SUITS, data=(replace(data, slots=()),)
        )
    if choice.startswith(MODE) and data is not None and data.slots:
        mode = choice.removeprefix(MODE)
        if mode in meeting_options(turn.setting.options).modes:
            return _offer(turn, replace(data, mode=mode))
    if choice.startswith(CHILD) and data is not None:
        child = turn.sender.child(_number(choice.removeprefix(CHILD)))
        return _for_child(turn, child.id, data.topic) if child else expired(turn)
    if choice.startswith(OFFER):
        return _confirm_offer(turn, choice)
    return _on_meeting(turn, choice)


def _on_meeting(turn: Turn, choice: str) -> StepResult:
    """Move / Cancel / Join on a booked meeting about the sender's own child."""
    for prefix in (MOVE, CANCEL, JOIN):
        if choice.startswith(prefix):
            wanted = _number(choice.removeprefix(prefix))
            found = [m for m in turn.meetings.upcoming() if m.id == wanted]
            meeting = found[0] if found else None
            if meeting is None or meeting.attending != (prefix != JOIN):
                return expired(turn)
            if prefix == MOVE:
                return _offer(turn, _moving(meeting))
            if prefix == CANCEL:
                return _cancel(turn, meeting)
            joined = say.readback(turn, "meetings.joined", meeting, str(meeting.id))
            return StepResult((joined,), (JoinMeeting(meeting.id),))
    return expired(turn)


def _number(text: str) -> int:
    return int(text) if text.isdecimal() and len(text) < 12 else -1


def _slot(turn: Turn, data: MeetingData | None, token: str) -> StepResult:
    """A slot tapped: booked if it is one the latest offer showed and still free."""
    parsed = token_minutes(token)
    if data is None or token not in data.slots or parsed is None:
        return expired(turn)
    staff_id, minutes = parsed
    zone = ZoneInfo(turn.setting.timezone)
    start = datetime.fromtimestamp(minutes * 60, UTC).astimezone(zone)
    if all(slot.start != start for slot in turn.meetings.free(data.staff)):
        return taken(turn, data)  # booked by someone else since it was offered
    length = timedelta(minutes=meeting_options(turn.setting.options).meeting_minutes)
    return _book(turn, data, staff_id, start, start + length)


def _book(
    turn: Turn,
    data: MeetingData,
    staff_id: int,
    start: datetime,
    end: datetime,
    handoff_id: int | None = None,
) -> StepResult:
    booking = BookMeeting(
        data.children,
        staff_id,
        start,
        end,
        data.mode,
        data.topic,
        data.move_from,
        handoff_id,
        turn.now,
    )
    key = "meetings.moved" if data.move_from else "meetings.booked"
    view = MeetingView(0, data.staff, start, end, data.children, data.mode)
    effects: tuple[Effect, ...] = (booking,)
    return StepResult((say.readback(turn, key, view),), effects, data=(replace(data, slots=()),))


def taken(turn: Turn, data: MeetingData) -> StepResult:
    """That time has just been taken: fresh times."""
    return _offer(turn, replace(data, slots=()), turn.reply("meetings.taken"))


def _cancel(turn: Turn, meeting: MeetingView) -> StepResult:
    text = turn.say("meetings.cancelled", staff=meeting.staff, **say.when(turn, meeting.start))
    return StepResult((Reply(text),), (CancelMeeting(meeting.id),))


def _confirm_offer(turn: Turn, choice: str) -> StepResult:
    """A time staff offered (`offer H7 Thu 18:15`), confirmed with one tap."""
    offer = turn.meetings.offer(choice)
    if offer is None:
        return expired(turn)
    children = (
        (offer.child_id,) if offer.child_id else tuple(c.id for c in turn.sender.children[:1])
    )
    data = MeetingData(children, offer.staff, mode=_default_mode(turn))
    return _book(turn, data, offer.staff_id, offer.start, offer.end, offer.handoff_id)


def when_suits(turn: Turn, data: MeetingData) -> StepResult | None:
    """The parent's answer to "when would suit you?", handed to the key person."""
    if turn.choice_id or not turn.text.strip() or turn.understanding.intent in _NOTICES:
        return None  # a notice ("Maya's off today") is not an answer: its flow takes it
    child = data.children[0] if data.children else None
    words = turn.text if not data.topic else f"{turn.text}\n({data.topic})"
    return StepResult(
        (turn.reply("meetings.passed_on", staff=data.staff),),
        (CreateHandoff("book_meeting", words, child),),
        state=END,
    )


def choose_slot(turn: Turn, data: MeetingData) -> StepResult | None:
    """Text while slots wait: not an answer (slots are chosen by tapping or by number)."""
    return None


def ask_slot_again(turn: Turn, data: MeetingData) -> StepResult | None:
    """The offer again, with fresh times."""
    return _offer(turn, replace(data, slots=()))


def after_apply(
    turn: Turn, result: StepResult, booked: tuple[int, ...], taken_now: bool
) -> StepResult:
    """The step's result once its effects are applied: the booked meeting's id in its Move /
    Cancel choices, or, when the time was taken meanwhile, fresh times instead."""
    if taken_now:
        data = next((item for item in result.data if isinstance(item, MeetingData)), None)
        return taken(turn, data) if data else result
    return say.fill(result, booked)


FLOW = Flow(
    name="meeting",
    start=start,
    intents=frozenset({Intent.BOOK_MEETING}),
    steps={
        CHOOSE_SLOT: Step(choose_slot, ask=ask_slot_again),
        WHEN_SUITS: Step(when_suits),
        CHOOSE_CHILD: Step(lambda _turn, _data: None, ask=lambda turn, _data: _which_child(turn)),
    },
    data=MeetingData,
    choices=("meeting:",),
    on_choice=on_choice,
    checks_choices=True,
)
