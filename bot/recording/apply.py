"""Apply effects inside the turn's (or the scheduled job's) transaction: records, handoffs, staff
alerts, messages to parents, audit. Every kind of effect is matched here, and only here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from sqlalchemy import select

from bot.db.models import AbsenceChase
from bot.evenings.effects import (
    AnswerEvening,
    CancelEvening,
    CreateEvening,
    EveningEffect,
    EveningHandoff,
    MoveSlot,
    RemindEvening,
    ScheduleEvening,
    SendEvening,
)
from bot.flows.effects import (
    AbsenceAfterArrival,
    AnswerChase,
    AnswerQuestionnaire,
    BookMeeting,
    CancelMeeting,
    CiteNotice,
    CiteSource,
    ConfirmRead,
    CreateHandoff,
    Effect,
    JoinMeeting,
    RaiseSafeguardingConcern,
    RecordAbsence,
    RecordCollectionChange,
    RecordConsent,
    SetLanguage,
    WithdrawConsent,
    WithdrawNotice,
)
from bot.jobs.effects import (
    AskChase,
    CallAboutBroadcast,
    CreateCallTask,
    DeliverBroadcast,
    ExpireData,
    JobEffect,
    RecordChase,
    RemindConsent,
    RemindMeeting,
    ReportConsent,
    ResendUrgent,
)
from bot.pipeline.outcome import record_row
from bot.privacy.retention import expire
from bot.recording import (
    broadcasts,
    chases,
    consents,
    evening_moves,
    evenings,
    meetings,
    meetings_staff,
    questionnaires,
    staff,
)
from bot.recording.context import (
    EffectContext,
    children_of,
    notify_child_staff,
    room_name,
)
from bot.recording.handoffs import create_handoff, raise_safeguarding_concern
from bot.recording.notices import (
    absence_after_arrival,
    cite_notice,
    record_absence,
    record_collection,
    withdraw_notice,
)
from bot.staff.effects import (
    AcknowledgeNotice,
    AnswerHandoff,
    CancelBroadcast,
    CloseHandoff,
    ConfirmDraft,
    ExpectAnswer,
    MarkArrived,
    OfferMeeting,
    ReassignHandoff,
    RefuseAnswer,
    SaveDraft,
    SetMeetingHours,
    StaffCancelMeeting,
    StaffEffect,
    StaffMoveMeeting,
    Viewed,
)

AnyEffect = Effect | StaffEffect | JobEffect  # a flow's, a staff command's, a scheduled job's


def apply_effects(context: EffectContext, effects: Iterable[AnyEffect]) -> None:
    """Apply every effect in order; what they changed is noted in `context`. A parent's turn's
    effects are matched first, then a staff command's, then a scheduled job's; mypy proves each
    match whole (an effect added to a union without its case is a type error)."""
    for effect in effects:
        _apply_flow_effect(context, effect)


def _apply_flow_effect(context: EffectContext, effect: AnyEffect) -> None:
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
            create_handoff(context, effect)
        case RaiseSafeguardingConcern():
            raise_safeguarding_concern(context, effect)
        case SetLanguage():
            _set_language(context, effect)
        case CiteSource():
            context.sources.append({"document": effect.document, "section": effect.section})
        case AnswerChase():
            _answer_chase(context, effect)
        case BookMeeting() | CancelMeeting() | JoinMeeting():
            meetings.apply_meeting(context, effect)
        case _:
            _apply_staff_effect(context, effect)


def _apply_staff_effect(
    context: EffectContext, effect: StaffEffect | JobEffect | EveningEffect | BroadcastEffect
) -> None:
    match effect:
        case MarkArrived():
            staff.mark_arrived(context, effect)
        case AcknowledgeNotice():
            staff.acknowledge_notice(context, effect)
        case AnswerHandoff():
            staff.answer_handoff(context, effect)
        case RefuseAnswer():
            staff.refuse_answer(context, effect)
        case Viewed():
            staff.viewed(context, effect)
        case CloseHandoff():
            staff.close_handoff(context, effect)
        case ReassignHandoff():
            staff.reassign_handoff(context, effect)
        case ExpectAnswer():
            staff.expect_answer(context, effect)
        case SetMeetingHours() | OfferMeeting() | StaffCancelMeeting() | StaffMoveMeeting():
            meetings_staff.apply_meeting_change(context, effect)
        case _:
            _apply_job_effect(context, effect)


def _apply_job_effect(
    context: EffectContext, effect: JobEffect | EveningEffect | BroadcastEffect
) -> None:
    match effect:
        case RecordChase():
            chases.record_chase(context, effect)
        case AskChase():
            chases.ask_chase(context, effect)
        case CreateCallTask():
            chases.create_call_task(context, effect)
        case RemindMeeting():
            meetings_staff.apply_meeting_change(context, effect)
        case ExpireData():
            done = expire(context.session, context.setting_id, effect)
            context.retention += done.lines() if done.changed else []
        case _:
            _apply_evening(context, effect)


def _apply_evening(context: EffectContext, effect: EveningEffect | BroadcastEffect) -> None:
    """A parents' evening's effect (bot/evenings/effects.py)."""
    match effect:
        case CreateEvening():
            evenings.create_evening(context, effect)
        case SendEvening():
            evenings.send_evening(context, effect)
        case CancelEvening():
            evenings.cancel_evening(context, effect)
        case AnswerEvening():
            evenings.answer_evening(context, effect)
        case RemindEvening():
            evenings.remind_evening(context, effect)
        case ScheduleEvening():
            evenings.schedule_evening(context, effect)
        case EveningHandoff():
            evenings.evening_handoff(context, effect)
        case MoveSlot():
            evening_moves.move_slot(context, effect)
        case _:
            _broadcast_effect(context, effect)


BroadcastEffect = (
    SaveDraft
    | ConfirmDraft
    | CancelBroadcast
    | DeliverBroadcast
    | ResendUrgent
    | CallAboutBroadcast
    | RemindConsent
    | ReportConsent
    | ConfirmRead
    | RecordConsent
    | AnswerQuestionnaire
    | WithdrawConsent
)


def _broadcast_effect(context: EffectContext, effect: BroadcastEffect) -> None:
    """Broadcasts, reminders, urgent follow-up and consent (bot/recording/broadcasts.py and
    consents.py)."""
    match effect:
        case SaveDraft():
            broadcasts.save_draft(context, effect)
        case ConfirmDraft():
            broadcasts.confirm_draft(context, effect)
        case CancelBroadcast():
            broadcasts.cancel_broadcast(context, effect)
        case DeliverBroadcast():
            broadcasts.deliver(context, effect)
        case ResendUrgent():
            broadcasts.resend_urgent(context, effect)
        case CallAboutBroadcast():
            broadcasts.call_about(context, effect)
        case ConfirmRead():
            broadcasts.confirm_read(context, effect)
        case RemindConsent():
            consents.remind_consent(context, effect)
        case ReportConsent():
            consents.report_consent(context, effect)
        case RecordConsent():
            consents.record_consent(context, effect)
        case AnswerQuestionnaire():
            questionnaires.answer_questionnaire(context, effect)
        case WithdrawConsent():
            consents.withdraw_consent(context, effect)
        case _:
            assert_never(effect)


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
        context.records.append(
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
