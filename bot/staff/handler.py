"""Deciding one staff command: what to reply and which effects to apply. Staff never get parent
flows. The handler only reads; bot/recording/staff.py writes, in the turn's transaction.

StaffRequest and StaffStep live in bot.staff.request and are re-exported here."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Absence, Arrival, Child, CollectionChange, Guardian, Staff
from bot.evenings import staff as evenings
from bot.flows.dates import describe_days
from bot.staff import handoff_commands
from bot.staff.broadcast_commands import (
    CancelScheduled,
    Compose,
    ComposeProblem,
    ConsentAnswers,
    DropDraft,
    ListScheduled,
    QuestionnaireResults,
    SendDraft,
)
from bot.staff.broadcasts import decide as decide_broadcast
from bot.staff.choices import tapped_command
from bot.staff.commands import (
    Acknowledge,
    Arrived,
    AskForAnswer,
    CancelAnswer,
    Close,
    Command,
    EveningDecision,
    MeetingCommand,
    PassOn,
    PlanEvening,
    Register,
    ReplyToParent,
    match_children,
    parse,
)
from bot.staff.effects import AcknowledgeNotice, ExpectAnswer, MarkArrived, Viewed
from bot.staff.meetings import meeting_command
from bot.staff.messages import reply_to_parent
from bot.staff.register import register_text
from bot.staff.request import StaffRequest, StaffStep
from bot.types import ChildRef, Reply

__all__ = ["StaffRequest", "StaffStep", "handle"]
CANCEL_WORDS = frozenset({"cancel", "stop", "never mind", "nevermind"})


def handle(request: StaffRequest) -> StaffStep:
    """Read and decide one staff command; anything not understood gets the staff help. A member
    whose answer to a handoff was awaited is not waited for any more after this message, unless
    it asks for another answer."""
    command = command_of(request)
    step = _decide(request, command)
    chat = request.chat
    if chat is None or chat.handoff_id is None or isinstance(command, AskForAnswer):
        return step
    return StaffStep(
        step.replies, (*step.effects, ExpectAnswer(chat.conversation_id, None, request.now))
    )


def command_of(request: StaffRequest) -> Command:
    """The dashboard's typed command; else a tapped (or numbered) alert button; else, when an
    answer is awaited, the message as that answer ("cancel" cancels it); else the parsed text."""
    if request.command is not None:
        return request.command
    tapped = tapped_command(request.session, request.staff.id, request.choice_id, request.text)
    if tapped is not None:
        return tapped
    waiting = request.chat.handoff_id if request.chat else None
    text = request.text.strip()
    if waiting is not None and text:
        if " ".join(text.casefold().rstrip(".!").split()) in CANCEL_WORDS:
            return CancelAnswer()
        return ReplyToParent(waiting, text)
    return parse(request.text)


def _decide(request: StaffRequest, command: Command) -> StaffStep:
    match command:
        case Register():
            text = register_text(request.session, request.setting, request.now, request.say)
            viewed = Viewed(f"register:{request.now.date().isoformat()}")
            return StaffStep((Reply(text),), (viewed,))
        case Arrived(names=names):
            return _arrived(request, names)
        case Acknowledge() as command:
            return _acknowledge(request, command)
        case ReplyToParent() as command:
            return reply_to_parent(request, command)
        case (
            Compose()
            | ComposeProblem()
            | SendDraft()
            | DropDraft()
            | ListScheduled()
            | ConsentAnswers()
            | QuestionnaireResults()
            | CancelScheduled()
        ) as command:
            return decide_broadcast(request, command)
        case MeetingCommand() as command:
            return meeting_command(request, command)
        case AskForAnswer():
            return handoff_commands.ask_for_answer(request, command)
        case CancelAnswer():
            return handoff_commands.cancel_answer(request)
        case Close():
            return handoff_commands.close(request, command)
        case PassOn():
            return handoff_commands.pass_on(request, command)
        case PlanEvening(text=text):
            return evenings.plan(request, text)
        case EveningDecision(action="send", evening_id=evening_id):
            return evenings.send(request, evening_id)
        case EveningDecision(action="status", evening_id=evening_id):
            return evenings.status(request, evening_id)
        case EveningDecision(evening_id=evening_id):
            return evenings.cancel(request, evening_id)
    return StaffStep.say(request, "staff.help", name=request.staff.name.split()[0])


def _arrived(request: StaffRequest, names: tuple[str, ...]) -> StaffStep:
    session = request.session
    children = {
        child.id: child
        for child in session.scalars(
            select(Child).where(Child.setting_id == request.setting.id).order_by(Child.id)
        )
    }
    refs = [ChildRef(c.id, c.first_name, c.last_name, c.known_as) for c in children.values()]
    lines: list[str] = []
    marked: list[Child] = []
    for name in names:
        found = match_children(refs, name)
        if len(found) != 1:
            matches = " or ".join(ref.display_name for ref in found)
            key = "staff.ambiguous" if found else "staff.not_found"
            lines.append(request.say(key, name=name, matches=matches))
            continue
        child = children[found[0].id]
        note = _already_in(request, child, marked)
        if note is None:
            marked.append(child)
        else:
            lines.append(note)
    for child in marked:
        lines += _was_absent(request, child)
    if not marked:
        return StaffStep((Reply("\n".join(lines)),))
    listed = ", ".join(child.display_name for child in marked)
    lines.insert(
        0, request.say("staff.arrived", time=request.now.strftime("%H:%M"), children=listed)
    )
    effect = MarkArrived(tuple(child.id for child in marked), request.now)
    return StaffStep((Reply("\n".join(lines)),), (effect,))


def _already_in(request: StaffRequest, child: Child, marked: list[Child]) -> str | None:
    """A note when the child was already marked in today (or earlier in this command); None
    when they can be marked in now."""
    existing = request.session.scalar(
        select(Arrival.at).where(
            Arrival.child_id == child.id, Arrival.on_date == request.now.date()
        )
    )
    if existing is None and child not in marked:
        return None
    at = (existing or request.now).astimezone(request.now.tzinfo).strftime("%H:%M")
    return request.say("staff.already_in", child=child.display_name, time=at)


def _was_absent(request: StaffRequest, child: Child) -> list[str]:
    """A note when the child marked in has an active absence for today."""
    day = request.now.date()
    absence = request.session.scalar(
        select(Absence).where(
            Absence.child_id == child.id,
            Absence.status == "active",
            Absence.start <= day,
            Absence.end >= day,
        )
    )
    if absence is None:
        return []
    return [request.say("staff.was_absent", child=child.display_name, ref=f"A{absence.id}")]


def _acknowledge(request: StaffRequest, command: Acknowledge) -> StaffStep:
    session = request.session
    notice: Absence | CollectionChange | None = (
        session.get(Absence, command.notice_id)
        if command.kind == "A"
        else session.get(CollectionChange, command.notice_id)
    )
    child = session.get(Child, notice.child_id) if notice is not None else None
    if notice is None or child is None or child.setting_id != request.setting.id:
        return StaffStep.say(request, "staff.ack_unknown", ref=command.ref)
    if notice.acknowledged_by_staff_id is not None:
        seen_by = session.get(Staff, notice.acknowledged_by_staff_id)
        return StaffStep.say(
            request, "staff.ack_already", ref=command.ref, staff=seen_by.name if seen_by else "?"
        )
    if isinstance(notice, Absence):
        start, end, guardian_ids = notice.start, notice.end, list(notice.reported_by_guardian_ids)
        summary_key = "staff.absence_summary"
    else:
        start = end = notice.on_date
        guardian_ids, summary_key = [notice.guardian_id], "staff.collection_summary"
    when = describe_days([start] if start == end else [start, end], "en")
    summary = request.say(summary_key, child=child.display_name, when=when)
    lines = [request.say("staff.ack_done", ref=command.ref, summary=summary)]
    tell = _guardians_to_tell(request, guardian_ids)
    if tell:
        names = " and ".join(guardian.name for guardian in tell)
        lines.append(request.say("staff.ack_told", guardians=names))
    effect = AcknowledgeNotice(command.kind, command.notice_id, tuple(g.id for g in tell))
    return StaffStep((Reply("\n".join(lines)),), (effect,))


def _guardians_to_tell(request: StaffRequest, guardian_ids: list[int]) -> list[Guardian]:
    """The reporting guardians, told that staff have seen their notice when the setting says so."""
    if not request.setting.options.get("tell_parent_when_acknowledged"):
        return []
    query = select(Guardian).where(Guardian.id.in_(guardian_ids)).order_by(Guardian.id)
    return list(request.session.scalars(query))
