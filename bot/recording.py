"""Apply a flow's effects inside the turn's transaction: records, handoffs, staff alerts, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
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
from bot.staff_alerts import StaffAlerts


@dataclass
class TurnOutcome:
    """What the effects changed, for simulate and the audit trail."""

    records: list[dict[str, Any]] = field(default_factory=list)
    staff_notifications: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    handoff: bool = False


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
    guardian = context.guardian
    assert guardian is not None
    session, children = context.session, _children(context, effect.child_ids)
    for child in children:
        existing = session.scalar(
            select(Absence).where(
                Absence.child_id == child.id,
                Absence.status == "active",
                Absence.start == effect.start,
                Absence.end == effect.end,
            )
        )
        if existing is not None:
            existing.reported_by_guardian_ids = sorted(
                {*existing.reported_by_guardian_ids, guardian.id}
            )
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
            continue
        absence = Absence(
            child_id=child.id,
            start=effect.start,
            end=effect.end,
            reason=effect.reason,
            symptoms=list(effect.symptoms),
            reported_by_guardian_ids=[guardian.id],
        )
        session.add(absence)
        session.flush()
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


def _withdraw_absence(context: EffectContext, effect: WithdrawAbsence) -> None:
    guardian = context.guardian
    assert guardian is not None
    for child in _children(context, effect.child_ids):
        rows = context.session.scalars(
            select(Absence).where(
                Absence.child_id == child.id,
                Absence.status == "active",
                Absence.start == effect.start,
                Absence.end == effect.end,
            )
        )
        for absence in rows:
            absence.status = "withdrawn"
            _audit(context, "absence_withdrawn", f"absence:{absence.id}")
        _notify_child_staff(
            context,
            child,
            context.staff_text(
                "notify.absence_withdrawn",
                child=child.display_name,
                when=_when(effect.start, effect.end),
                guardian=guardian.name,
            ),
        )


def _record_collection(context: EffectContext, effect: RecordCollectionChange) -> None:
    guardian = context.guardian
    assert guardian is not None
    children = _children(context, effect.child_ids)
    collector = effect.collector_name or effect.collector_relationship or ""
    if effect.collector_name and effect.collector_relationship:
        collector = f"{effect.collector_name} ({effect.collector_relationship})"
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
        if effect.minutes_late is not None:
            text = context.staff_text(
                "notify.collection_late",
                ref=f"C{change.id}",
                guardian=guardian.name,
                minutes=effect.minutes_late,
                child=child.display_name,
                room=_room(child),
            )
        else:
            text = context.staff_text(
                "notify.collection",
                ref=f"C{change.id}",
                child=child.display_name,
                room=_room(child),
                when=_when(effect.on_date, effect.on_date),
                collector=collector,
                at=f" at {effect.collect_time}" if effect.collect_time else "",
                authorised=context.staff_text(
                    "notify.authorised" if effect.authorised else "notify.not_authorised"
                ),
                guardian=guardian.name,
            )
        _notify_child_staff(context, child, text, effect.words)
    context.outcome.records.append(
        record_row(
            "collection_change",
            children,
            effect.on_date,
            effect.on_date,
            collector=collector or None,
            time=effect.collect_time,
            minutes_late=effect.minutes_late,
            authorised=effect.authorised,
        )
    )


def _withdraw_collection(context: EffectContext, effect: WithdrawCollectionChange) -> None:
    guardian = context.guardian
    assert guardian is not None
    for child in _children(context, effect.child_ids):
        rows = context.session.scalars(
            select(CollectionChange).where(
                CollectionChange.child_id == child.id,
                CollectionChange.on_date == effect.on_date,
                CollectionChange.status == "active",
                CollectionChange.guardian_id == guardian.id,
            )
        )
        for change in rows:
            change.status = "withdrawn"
            _audit(context, "collection_change_withdrawn", f"collection_change:{change.id}")
        _notify_child_staff(
            context,
            child,
            context.staff_text(
                "notify.collection_withdrawn",
                child=child.display_name,
                when=_when(effect.on_date, effect.on_date),
                guardian=guardian.name,
            ),
        )


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
    context.alerts.to([assignee] if assignee else managers, f"{text}\n{context.quote(effect.text)}")


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


def record_row(
    kind: str, children: list[Child], start: date, end: date, **values: Any
) -> dict[str, Any]:
    """One `records` entry for simulate: the same keys for every kind of record."""
    return {
        "type": kind,
        "children": [child.display_name for child in children],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "reason": None,
        "symptoms": [],
        "collector": None,
        "time": None,
        "status": "active",
    } | values


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
