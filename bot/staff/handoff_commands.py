"""Staff commands on a handoff other than the reply itself: asking for the answer (the Reply
button on an alert), cancelling it, closing a handoff without a reply, and passing it to a
colleague. The same rules as the dashboard's (bot.staff.access) decide who may; the chat and the
dashboard both come here, and bot/recording/staff.py applies what is decided."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import SAFEGUARDING_HANDOFF, Guardian, HandoffItem, Staff
from bot.i18n.staff_view import language_name
from bot.staff.access import Action, HandoffFacts, Viewer, may_take_over, permits
from bot.staff.choices import cancel_choice
from bot.staff.commands import AskForAnswer, Close, PassOn
from bot.staff.effects import CloseHandoff, ExpectAnswer, ReassignHandoff, RefuseAnswer
from bot.staff.request import StaffRequest, StaffStep
from bot.staff.roles import sees_safeguarding
from bot.types import Reply


def _open_item(request: StaffRequest, handoff_id: int) -> HandoffItem | None:
    item = request.session.get(HandoffItem, handoff_id)
    if item is None or item.setting_id != request.setting.id or item.status != "open":
        return None
    return item


def ask_for_answer(request: StaffRequest, command: AskForAnswer) -> StaffStep:
    """Reply tapped on an alert: ask for the answer; the member's next message is it."""
    item = _open_item(request, command.handoff_id)
    if item is None:
        return StaffStep.say(request, "staff.handoff_gone", ref=command.ref)
    if item.kind == SAFEGUARDING_HANDOFF and not sees_safeguarding(request.staff):
        refusal = RefuseAnswer(item.id, item.kind)
        return StaffStep.say(request, "notify.safeguarding_reply_refused", refusal, ref=command.ref)
    guardian = request.session.get(Guardian, item.guardian_id) if item.guardian_id else None
    if guardian is None or request.chat is None:
        return StaffStep.say(request, "staff.reply_no_parent", ref=command.ref)
    language = language_name(guardian.language or "en", request.catalog)
    text = request.say(
        "staff.answer_now", guardian=guardian.name, ref=command.ref, language=language
    )
    expect = ExpectAnswer(request.chat.conversation_id, item.id, request.now)
    return StaffStep((Reply(text, (cancel_choice(request.staff_catalog),)),), (expect,))


def cancel_answer(request: StaffRequest) -> StaffStep:
    """Nothing is sent; the handoff stays as it was."""
    waiting = request.chat.handoff_id if request.chat else None
    if waiting is None:
        return StaffStep.say(request, "staff.nothing_to_cancel")
    return StaffStep.say(request, "staff.answer_cancelled", ref=f"H{waiting}")


def close(request: StaffRequest, command: Close) -> StaffStep:
    """Close a handoff the member may see, without a reply."""
    item = _open_item(request, command.handoff_id)
    viewer = Viewer.of(request.staff)
    if item is None or not permits(viewer, Action.VIEW_HANDOFF, HandoffFacts.of(item)):
        return _refused(request, item, command.ref, "handoff_close_refused")
    return StaffStep.say(request, "staff.closed", CloseHandoff(item.id, item.kind), ref=command.ref)


def pass_on(request: StaffRequest, command: PassOn) -> StaffStep:
    """Route a handoff to a colleague who may see it once it is theirs; they are told."""
    item = _open_item(request, command.handoff_id)
    viewer = Viewer.of(request.staff)
    if item is None or not permits(viewer, Action.REASSIGN_HANDOFF, HandoffFacts.of(item)):
        return _refused(request, item, command.ref, "handoff_reassign_refused")
    found = _colleagues(request, command)
    if len(found) != 1:
        names = " or ".join(member.name for member in found)
        key = "staff.ambiguous_staff" if found else "staff.no_such_staff"
        return StaffStep.say(request, key, name=command.to, matches=names)
    [to] = found
    if to.id == item.assigned_staff_id or not may_take_over(Viewer.of(to), HandoffFacts.of(item)):
        return StaffStep.say(request, "staff.cannot_take", ref=command.ref, staff=to.name)
    alert = request.say("staff.passed_alert", ref=command.ref, staff=request.staff.name)
    effect = ReassignHandoff(item.id, item.kind, item.assigned_staff_id, to.id, alert)
    return StaffStep.say(request, "staff.reassigned", effect, ref=command.ref, staff=to.name)


def _colleagues(request: StaffRequest, command: PassOn) -> list[Staff]:
    """The setting's staff the command names: by id, else by full or first name."""
    query = select(Staff).where(Staff.setting_id == request.setting.id).order_by(Staff.id)
    if command.to_id is not None:
        return list(request.session.scalars(query.where(Staff.id == command.to_id)))
    wanted = " ".join(command.to.casefold().split())
    staff = list(request.session.scalars(query))
    full = [member for member in staff if member.name.casefold() == wanted]
    return full or [member for member in staff if member.name.casefold().split()[:1] == [wanted]]


def _refused(request: StaffRequest, item: HandoffItem | None, ref: str, action: str) -> StaffStep:
    """Not open, not there, or not theirs: the same answer, and a refusal is audited."""
    if item is None:
        return StaffStep.say(request, "staff.handoff_gone", ref=ref)
    refusal = RefuseAnswer(item.id, item.kind, action)
    return StaffStep.say(request, "staff.handoff_gone", refusal, ref=ref)
