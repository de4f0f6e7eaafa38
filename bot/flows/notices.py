"""Absence and collection-change notices: fill a draft, ask what is missing, record, read back.

The draft (bot/flows/draft.py) is the flow's data between messages. A follow-up must be the
kind of answer asked for (a child, a day, a name or relationship); otherwise the question is
asked once more, then the parent's words go to staff. A recorded notice is acted on by choices
that carry its refs (bot/flows/refs.py), honoured on any message: Withdraw, and Change, which
moves the notice once the new day is given. "Cancel that" offers to withdraw it; "I meant
tomorrow" moves it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from bot.flows import readback
from bot.flows.basic import who_answers
from bot.flows.dates import is_open, open_days
from bot.flows.draft import ABSENCE, COLLECTION, Draft, NoticeData
from bot.flows.effects import (
    CiteNotice,
    CreateHandoff,
    Effect,
    RecordAbsence,
    RecordCollectionChange,
    WithdrawNotice,
)
from bot.flows.flow import Flow, Step, expired
from bot.flows.questions import (
    ASK_CHILD,
    ASK_COLLECTOR,
    ASK_COLLECTOR_NAME,
    ASK_DATE,
    CANCEL,
    QUESTIONS,
    ask,
    ask_about_signed_in,
    kept,
    signed_in_today,
)
from bot.flows.refs import ACTIONS, CHANGE, NEW, PREFIX, WITHDRAW, parse, record_choice
from bot.flows.turn import ASK_OR_END, END, StepResult, Turn
from bot.roster import illness
from bot.types import Intent, Reply

DONE = "notice:done"  # read back: "Keep it", "cancel that" or a correction may follow
STATES = (*QUESTIONS, DONE)
KEEP = "notice:keep"
UNDATED_ABSENCE_CUTOFF = time(12, 0)  # before noon, "mark Isla absent" means today


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


def about_another_family(turn: Turn) -> bool:
    """Whether the message names only children who are not the sender's (a meeting request
    may name staff too: the meeting flow checks its own, bot/flows/meeting.py)."""
    found = turn.understanding
    asks_meeting = found.intent is Intent.BOOK_MEETING
    return bool(found.unmatched_names) and not found.children and not asks_meeting


def resume(turn: Turn, state: str, data: NoticeData) -> StepResult | None:
    """Continue a pending notice with this message; None when it is about something else."""
    draft = data.draft.with_words(turn.text)
    if state == DONE:
        result = _after_readback(turn, draft)
    else:
        result = _answer(turn, state, draft, data.again)
    return replace(result, intent=Intent(draft.kind)) if result is not None else None


def ask_again(turn: Turn, state: str, data: NoticeData) -> StepResult:
    """The pending question once more, unchanged (after an expired button or a refusal)."""
    return replace(ask(turn, state, data.draft), data=(data,))


def on_record(turn: Turn, data: NoticeData | None) -> StepResult:
    """A Withdraw or Change choice from any read-back, on one of the sender's own active notices
    (else it has expired): withdraw it, or ask for its new day and keep it until then. After
    Withdraw, a question still open about another notice is asked again."""
    asked = parse(turn.choice_id or "")
    notice = turn.own_notice(asked.refs) if asked else None
    if asked is None or notice is None:
        return expired(turn)
    if asked.action == WITHDRAW:
        about_pending = data is not None and bool(set(data.draft.refs) & set(notice.refs))
        withdrawn = turn.reply("notice.withdrawn")
        state = END if about_pending else ASK_OR_END
        return StepResult((withdrawn,), (WithdrawNotice(notice.refs),), state=state)
    return replace(ask(turn, ASK_DATE, notice), effects=(CiteNotice(notice.refs),))


def advance(turn: Turn, draft: Draft) -> StepResult:
    """Ask for the first missing piece, or record the notice."""
    if not draft.children:
        return ask(turn, ASK_CHILD, draft)
    if draft.start is None or draft.start < turn.today:
        return ask(turn, ASK_DATE, draft, past=draft.start is not None)
    if (
        draft.kind == COLLECTION
        and not draft.is_lateness
        and not (draft.collector_name or draft.collector_relationship)
    ):
        return ask(turn, ASK_COLLECTOR, draft)
    if draft.kind == COLLECTION and not draft.is_lateness and not draft.collector_name:
        return ask(turn, ASK_COLLECTOR_NAME, draft)  # staff check the name and the photo ID
    signed_in = signed_in_today(turn, draft)
    if signed_in:
        return ask_about_signed_in(turn, draft, signed_in)
    return _record(turn, draft)


def _answer(turn: Turn, state: str, draft: Draft, again: bool) -> StepResult | None:
    """The answer to a pending question: the kind asked for, else the question once more, then
    a person on the staff."""
    if turn.choice_id == CANCEL:
        if draft.refs:  # Change abandoned: the notice stays as it was
            return StepResult((turn.reply("notice.unchanged"),), state=DONE, data=kept(draft))
        return StepResult((turn.reply("notice.cancelled"),))
    if _is_another_notice(turn, draft):
        return None
    filled = _fill(turn, state, draft)
    if filled is None and turn.understanding.corrects:  # "actually it's tomorrow" meanwhile
        corrected = _corrected(turn, draft)
        if corrected is not None:
            return advance(turn, corrected)
    if filled is None and turn.understanding.cancels:  # "cancel that", "she's fine now"
        if draft.refs:
            return _confirm_withdraw(turn, draft)
        return StepResult((turn.reply("notice.cancelled"),))
    if filled is None:
        if _changes_subject(turn, draft):
            return None
        return _again(turn, again, ask(turn, state, draft, again=True), draft)
    result = advance(turn, filled)
    if result.state == state:  # the answer left the same question open (a past day, ...)
        return _again(turn, again, result, filled)
    return result


def _again(turn: Turn, again: bool, asked: StepResult, draft: Draft) -> StepResult:
    """The question asked once more; the second time, the parent's words go to staff."""
    if again:
        child = turn.sender.child(draft.children[0]) if len(draft.children) == 1 else None
        handoff = CreateHandoff("unclear_notice", draft.words, child.id if child else None)
        return StepResult(
            (turn.reply("notice.handed_off", who=who_answers(turn, child)),), (handoff,)
        )
    return replace(asked, effects=(), data=(NoticeData(draft, again=True),))


def _is_another_notice(turn: Turn, draft: Draft) -> bool:
    """A confident notice naming other children than the draft's, or of the other kind with its
    own details ("Grandma is collecting Maya" while asked which day Maya is off), is a new
    message, not an answer."""
    found = turn.understanding
    if found.confidence < 0.6 or found.intent not in (Intent.ABSENCE, Intent.COLLECTION_CHANGE):
        return False
    if draft.children and found.children and set(found.children) != set(draft.children):
        return True
    if found.intent is Intent.ABSENCE:
        details = bool(found.reason or found.symptoms)
    else:
        details = bool(found.collector_name or found.collector_relationship or found.minutes_late)
    return found.intent.value != draft.kind and details


def _after_readback(turn: Turn, draft: Draft) -> StepResult | None:
    """After a read-back: "Keep it", "cancel that" (offers Withdraw), or a correction in words
    ("sorry, I meant tomorrow"), which moves the notice. Anything else is a new message."""
    if not draft.refs:
        return None
    if turn.choice_id == KEEP:
        return StepResult((turn.reply("notice.unchanged"),), state=DONE, data=kept(draft))
    found = turn.understanding
    if found.cancels:
        return _confirm_withdraw(turn, draft)
    corrected = _corrected(turn, draft) if found.corrects else None
    return advance(turn, corrected) if corrected is not None else None


def _corrected(turn: Turn, draft: Draft) -> Draft | None:
    """The notice with the day (or collector) the correction gives; None when it gives neither or
    is about other children."""
    found = turn.understanding
    if found.children and set(found.children) != set(draft.children):
        return None
    changed = draft
    if found.dates:
        changed = replace(changed, start=found.dates.start, end=found.dates.end)
    if draft.kind == COLLECTION and (found.collector_name or found.collector_relationship):
        changed = replace(
            changed,
            collector_name=found.collector_name,
            collector_relationship=found.collector_relationship,
        )
    return changed if changed != draft else None


def _confirm_withdraw(turn: Turn, draft: Draft) -> StepResult:
    text = turn.say("notice.confirm_withdraw", children=readback.child_names(turn, draft.children))
    choices = (
        turn.choice(record_choice(WITHDRAW, draft.refs), "choice.withdraw"),
        turn.choice(KEEP, "notice.keep"),
    )
    return StepResult((Reply(text, choices),), state=DONE, data=kept(draft))


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
    """The draft with the answer asked for, or None when the message does not give it."""
    found, choice = turn.understanding, turn.choice_id or ""
    if state == ASK_CHILD:
        if choice == "child:all":
            return replace(draft, children=tuple(child.id for child in turn.sender.children))
        if choice.startswith("child:"):  # offered by `ask`, so one of the sender's children
            return replace(draft, children=(int(choice.removeprefix("child:")),))
        children = _own_children(turn)
        return replace(draft, children=children) if children else None
    if state == ASK_DATE:
        if choice.startswith("date:"):  # offered by `ask`: an ISO day
            day = date.fromisoformat(choice.removeprefix("date:"))
            return replace(draft, start=day, end=day)
        if found.dates:
            return replace(draft, start=found.dates.start, end=found.dates.end)
        return None
    if state == ASK_COLLECTOR_NAME:
        name = found.collector_name
        return replace(draft, collector_name=name) if name else None
    if not (found.collector_name or found.collector_relationship):
        return None
    return replace(
        draft,
        collector_name=found.collector_name,
        collector_relationship=found.collector_relationship,
    )


def _changes_subject(turn: Turn, draft: Draft) -> bool:
    """Whether a message that does not answer is about something else: a confident request of
    another kind (a policy question, or a notice of the other kind)."""
    found = turn.understanding
    return (
        found.confidence >= 0.6
        and found.intent is not Intent.OTHER
        and found.intent.value != draft.kind
    )


def _record(turn: Turn, draft: Draft) -> StepResult:
    """Record the notice (replacing the records it was, when changed) and read it back with
    Change and Withdraw choices that will carry its refs."""
    assert draft.start is not None
    end = draft.end or draft.start
    days = open_days(draft.start, end, turn.setting)
    if not days:
        return StepResult(
            (turn.reply("notice.closed", when=readback.when(turn, draft.start, end)),)
        )
    effect, text = (_absence if draft.kind == ABSENCE else _collection)(turn, draft, days)
    choices = (
        turn.choice(record_choice(CHANGE, (NEW,)), "choice.change"),
        turn.choice(record_choice(WITHDRAW, (NEW,)), "choice.withdraw"),
    )
    replaced = (WithdrawNotice(draft.refs),) if draft.refs else ()
    recorded = replace(draft, start=days[0], end=days[-1], refs=(NEW,))
    return StepResult((Reply(text, choices),), (*replaced, effect), state=DONE, data=kept(recorded))


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


def _step(state: str) -> Step[NoticeData]:
    """A notice state: its answers read by `resume`; a question state's question asked again."""
    if state == DONE:
        return Step(lambda turn, data: resume(turn, DONE, data))
    return Step(
        lambda turn, data: resume(turn, state, data),
        lambda turn, data: ask_again(turn, state, data),
    )


FLOW = Flow(
    name="notice",
    start=start,
    intents=frozenset({Intent.ABSENCE, Intent.COLLECTION_CHANGE}),
    steps={state: _step(state) for state in STATES},
    data=NoticeData,
    choices=tuple(f"{PREFIX}{action}:" for action in ACTIONS),
    on_choice=on_record,
    checks_choices=True,
)
