"""Apply a flow's effects inside the turn's transaction: records, handoffs, staff alerts, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Absence,
    AbsenceChase,
    AuditLog,
    Child,
    CollectionChange,
    Guardian,
    HandoffItem,
)
from bot.flows.dates import short_date
from bot.flows.effects import (
    AnswerChase,
    CiteSource,
    CreateHandoff,
    Effect,
    RecordAbsence,
    RecordCollectionChange,
    SetLanguage,
    WithdrawAbsence,
    WithdrawCollectionChange,
)
from bot.i18n.catalog import Catalog
from bot.outcome import TurnOutcome, record_row
from bot.staff_alerts import StaffAlerts


@dataclass
class EffectContext:
    """What applying effects needs to know about the turn."""

    session: Session
    setting_id: int
    guardian: Guardian | None
    staff_catalog: Catalog
    quote: Callable[[str], str]  # the parent's words for staff: original, English if translated
    english: Callable[[str], str | None]  # the parent's words machine translated, when possible
    inbound_id: int | None
    outcome: TurnOutcome = field(default_factory=TurnOutcome)

    @property
    def alerts(self) -> StaffAlerts:
        """Staff alerts for this turn, recorded in the outcome."""
        return StaffAlerts(
            self.session, self.setting_id, self.inbound_id, self.outcome.staff_notifications
        )

    @property
    def actor(self) -> str:
        return f"guardian:{self.guardian.id}" if self.guardian else "system"

    def staff_text(self, key: str, **values: object) -> str:
        return self.staff_catalog.text(key, "en", **values)


def apply_effects(context: EffectContext, effects: tuple[Effect, ...]) -> TurnOutcome:
    """Apply every effect in order; return what changed."""
    for effect in effects:
        match effect:
            case RecordAbsence():
                _record_absence(context, effect)
            case WithdrawAbsence():
                _withdraw_absence(context, effect)
            case RecordCollectionChange():
                _record_collection(context, effect)
            case WithdrawCollectionChange():
                _withdraw_collection(context, effect)
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


def _children(context: EffectContext, child_ids: tuple[int, ...]) -> list[Child]:
    """The children, checked once more against the sender's own: a flow bug cannot leak."""
    own = list(context.guardian.children) if context.guardian else []
    chosen = [child for child in own if child.id in child_ids]
    if len(chosen) != len(set(child_ids)):
        raise PermissionError(f"{context.actor} may not act for children {sorted(child_ids)}")
    return chosen


def _when(start: date, end: date) -> str:
    if start == end:
        return short_date(start, "en")
    return f"{short_date(start, 'en')} to {short_date(end, 'en')}"


def _record_absence(context: EffectContext, effect: RecordAbsence) -> None:
    children = _children(context, effect.child_ids)
    for child in children:
        existing = _active_absences(context.session, child.id, effect.start, effect.end).first()
        if existing is None:
            _add_absence(context, child, effect)
        else:
            _join_absence(context, child, existing, effect)
    context.outcome.records.append(
        record_row(
            "absence",
            children,
            effect.start,
            effect.end,
            reason=effect.reason,
            symptoms=list(effect.symptoms),
        )
    )


def _active_absences(
    session: Session, child_id: int, start: date, end: date
) -> ScalarResult[Absence]:
    return session.scalars(
        select(Absence)
        .where(
            Absence.child_id == child_id,
            Absence.status == "active",
            Absence.start == start,
            Absence.end == end,
        )
        .order_by(Absence.id)
    )


def _add_absence(context: EffectContext, child: Child, effect: RecordAbsence) -> None:
    guardian = _guardian(context)
    absence = Absence(
        child_id=child.id,
        start=effect.start,
        end=effect.end,
        reason=effect.reason,
        symptoms=list(effect.symptoms),
        reported_by_guardian_ids=[guardian.id],
    )
    context.session.add(absence)
    context.session.flush()
    _audit(context, "absence_recorded", f"absence:{absence.id}")
    reason = effect.reason + (f" ({', '.join(effect.symptoms)})" if effect.symptoms else "")
    _notify_child_staff(
        context,
        child,
        context.staff_text(
            "notify.absence",
            ref=f"A{absence.id}",
            child=child.display_name,
            room=_room(child),
            when=_when(effect.start, effect.end),
            reason=reason,
            guardian=guardian.name,
            relationship=guardian.relationship_to_child or "guardian",
        ),
        effect.words,
    )


def _join_absence(
    context: EffectContext, child: Child, existing: Absence, effect: RecordAbsence
) -> None:
    """A second guardian reporting the same absence: one record, both named on it."""
    guardian = _guardian(context)
    existing.reported_by_guardian_ids = sorted({*existing.reported_by_guardian_ids, guardian.id})
    _notify_child_staff(
        context,
        child,
        context.staff_text(
            "notify.absence_also",
            ref=f"A{existing.id}",
            guardian=guardian.name,
            child=child.display_name,
            when=_when(effect.start, effect.end),
        ),
    )


def _withdraw_absence(context: EffectContext, effect: WithdrawAbsence) -> None:
    _withdraw(
        context,
        effect.child_ids,
        "absence",
        "notify.absence_withdrawn",
        _when(effect.start, effect.end),
        lambda child: _active_absences(context.session, child.id, effect.start, effect.end),
    )


def _record_collection(context: EffectContext, effect: RecordCollectionChange) -> None:
    guardian = _guardian(context)
    children = _children(context, effect.child_ids)
    for child in children:
        change = CollectionChange(
            child_id=child.id,
            on_date=effect.on_date,
            kind="late" if effect.minutes_late is not None else "collector",
            collector_name=effect.collector_name,
            collector_relationship=effect.collector_relationship,
            collect_time=effect.collect_time,
            minutes_late=effect.minutes_late,
            authorised=effect.authorised,
            guardian_id=guardian.id,
        )
        context.session.add(change)
        context.session.flush()
        _audit(context, "collection_change_recorded", f"collection_change:{change.id}")
        _notify_child_staff(
            context, child, _collection_alert(context, change, child, effect), effect.words
        )
    context.outcome.records.append(
        record_row(
            "collection_change",
            children,
            effect.on_date,
            effect.on_date,
            collector=_collector(effect) or None,
            time=effect.collect_time,
            minutes_late=effect.minutes_late,
            authorised=effect.authorised,
        )
    )


def _collector(effect: RecordCollectionChange) -> str:
    if effect.collector_name and effect.collector_relationship:
        return f"{effect.collector_name} ({effect.collector_relationship})"
    return effect.collector_name or effect.collector_relationship or ""


def _collection_alert(
    context: EffectContext, change: CollectionChange, child: Child, effect: RecordCollectionChange
) -> str:
    common = {
        "ref": f"C{change.id}",
        "child": child.display_name,
        "room": _room(child),
        "guardian": _guardian(context).name,
    }
    if effect.minutes_late is not None:
        return context.staff_text("notify.collection_late", minutes=effect.minutes_late, **common)
    return context.staff_text(
        "notify.collection",
        when=_when(effect.on_date, effect.on_date),
        collector=_collector(effect),
        at=f" at {effect.collect_time}" if effect.collect_time else "",
        authorised=context.staff_text(
            "notify.authorised" if effect.authorised else "notify.not_authorised"
        ),
        **common,
    )


def _withdraw_collection(context: EffectContext, effect: WithdrawCollectionChange) -> None:
    guardian_id = _guardian(context).id
    _withdraw(
        context,
        effect.child_ids,
        "collection_change",
        "notify.collection_withdrawn",
        _when(effect.on_date, effect.on_date),
        lambda child: context.session.scalars(
            select(CollectionChange).where(
                CollectionChange.child_id == child.id,
                CollectionChange.on_date == effect.on_date,
                CollectionChange.status == "active",
                CollectionChange.guardian_id == guardian_id,
            )
        ),
    )


def _withdraw(
    context: EffectContext,
    child_ids: tuple[int, ...],
    kind: str,
    alert_key: str,
    when: str,
    active: Callable[[Child], ScalarResult[Absence] | ScalarResult[CollectionChange]],
) -> None:
    """Withdraw the sender's active notices of one kind for these children; tell their staff."""
    for child in _children(context, child_ids):
        for notice in active(child):
            notice.status = "withdrawn"
            _audit(context, f"{kind}_withdrawn", f"{kind}:{notice.id}")
        _notify_child_staff(
            context,
            child,
            context.staff_text(
                alert_key,
                child=child.display_name,
                when=when,
                guardian=_guardian(context).name,
            ),
        )


def _guardian(context: EffectContext) -> Guardian:
    """The sender: only guardians send notices."""
    if context.guardian is None:
        raise PermissionError("only a guardian can send or withdraw a notice")
    return context.guardian


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
    _audit(context, "handoff_created", f"handoff:{item.id}")
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
    children = _children(context, effect.child_ids)
    for child in children:
        chase = context.session.scalar(
            select(AbsenceChase).where(
                AbsenceChase.child_id == child.id, AbsenceChase.on_date == effect.on_date
            )
        )
        if chase is not None and chase.answered_at is None:
            chase.answered_at, chase.answer = effect.at, effect.answer
            chase.answered_by_guardian_id = guardian.id
            _audit(
                context, "absence_chase_answered", f"child:{child.id}", {"answer": effect.answer}
            )
        if effect.answer == "late":
            text = context.staff_text(
                "notify.chase_on_the_way",
                guardian=guardian.name,
                child=child.display_name,
                room=_room(child),
            )
            _notify_child_staff(context, child, text, effect.words)
    if effect.answer == "late":
        context.outcome.records.append(
            record_row(
                "late_arrival", children, effect.on_date, effect.on_date, status="on_the_way"
            )
        )


def _set_language(context: EffectContext, effect: SetLanguage) -> None:
    if context.guardian is not None:
        context.guardian.language = effect.language
        _audit(
            context,
            "language_changed",
            f"guardian:{context.guardian.id}",
            {"language": effect.language},
        )


def _room(child: Child) -> str:
    return child.room.name if child.room else "no room"


def _notify_child_staff(context: EffectContext, child: Child, text: str, words: str = "") -> None:
    """Tell the child's staff, quoting the parent's words when there are any."""
    context.alerts.about_child(child, text + ("\n" + context.quote(words) if words else ""))


def _audit(
    context: EffectContext, action: str, subject: str, details: dict[str, Any] | None = None
) -> None:
    context.session.add(
        AuditLog(actor=context.actor, action=action, subject=subject, details=details or {})
    )
