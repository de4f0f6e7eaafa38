"""Apply a flow's effects inside the turn's transaction: records, handoffs, staff alerts, audit."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AbsenceChase, Child, HandoffItem
from bot.flows.effects import (
    AbsenceAfterArrival,
    AnswerChase,
    CiteNotice,
    CiteSource,
    CreateHandoff,
    Effect,
    RecordAbsence,
    RecordCollectionChange,
    SetLanguage,
    WithdrawNotice,
)
from bot.outcome import TurnOutcome, record_row
from bot.recording.context import (
    EffectContext,
    children_of,
    notify_child_staff,
    room_name,
)
from bot.recording.notices import (
    absence_after_arrival,
    cite_notice,
    record_absence,
    record_collection,
    withdraw_notice,
)


def apply_effects(context: EffectContext, effects: tuple[Effect, ...]) -> TurnOutcome:
    """Apply every effect in order; return what changed."""
    for effect in effects:
        match effect:
            case RecordAbsence():
                record_absence(context, effect)
            case RecordCollectionChange():
                record_collection(context, effect)
            case WithdrawNotice():
                withdraw_notice(context, effect)
            case CiteNotice():
                cite_notice(context, effect)
            case AbsenceAfterArrival():
                absence_after_arrival(context, effect)
            case CreateHandoff():
                _create_handoff(context, effect)
            case SetLanguage():
                _set_language(context, effect)
            case CiteSource():
                context.outcome.sources.append(
                    {"document": effect.document, "section": effect.section}
                )
            case AnswerChase():
                _answer_chase(context, effect)
    return context.outcome


def _create_handoff(context: EffectContext, effect: CreateHandoff) -> None:
    session, guardian = context.session, context.guardian
    child = session.get(Child, effect.child_id) if effect.child_id else None
    managers = context.alerts.managers()
    assignee = child.key_person if child and child.key_person else None
    if assignee is None and managers:
        assignee = managers[0]
    item = HandoffItem(
        setting_id=context.setting_id,
        kind=effect.kind,
        guardian_id=guardian.id if guardian else None,
        child_id=child.id if child else None,
        assigned_staff_id=assignee.id if assignee else None,
        text=effect.text,
        english_text=context.english(effect.text),
        language=guardian.language if guardian else "en",
    )
    session.add(item)
    session.flush()
    context.audit("handoff_created", f"handoff:{item.id}")
    context.outcome.handoff = True
    text = context.staff_text(
        "notify.handoff",
        kind=context.staff_text(f"kind.{effect.kind}"),
        guardian=guardian.name if guardian else "an unknown sender",
        about=context.staff_text("notify.about_child", child=child.display_name) if child else "",
    )
    hint = f"\n{context.staff_text('notify.reply_hint', ref=f'H{item.id}')}" if guardian else ""
    context.alerts.to(
        [assignee] if assignee else managers, f"{text}\n{context.quote(effect.text)}{hint}"
    )


def _answer_chase(context: EffectContext, effect: AnswerChase) -> None:
    """Mark the day's absence checks answered; "late" tells the child's staff to expect them."""
    guardian = context.guardian
    assert guardian is not None
    children = children_of(context, effect.child_ids)
    for child in children:
        chase = context.session.scalar(
            select(AbsenceChase).where(
                AbsenceChase.child_id == child.id, AbsenceChase.on_date == effect.on_date
            )
        )
        if chase is not None and chase.answered_at is None:
            chase.answered_at, chase.answer = effect.at, effect.answer
            chase.answered_by_guardian_id = guardian.id
            context.audit("absence_chase_answered", f"child:{child.id}", {"answer": effect.answer})
        if effect.answer == "late":
            text = context.staff_text(
                "notify.chase_on_the_way",
                guardian=guardian.name,
                child=child.display_name,
                room=room_name(child),
            )
            notify_child_staff(context, child, text, effect.words)
    if effect.answer == "late":
        context.outcome.records.append(
            record_row(
                "late_arrival", children, effect.on_date, effect.on_date, status="on_the_way"
            )
        )


def _set_language(context: EffectContext, effect: SetLanguage) -> None:
    if context.guardian is not None:
        context.guardian.language = effect.language
        context.audit(
            "language_changed",
            f"guardian:{context.guardian.id}",
            {"language": effect.language},
        )
