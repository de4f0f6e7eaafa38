"""Absences and collection changes: record, join, withdraw, and tell the child's staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import Session

from bot.db.models import Absence, Child, CollectionChange
from bot.flows.effects import (
    RecordAbsence,
    RecordCollectionChange,
    WithdrawAbsence,
    WithdrawCollectionChange,
)
from bot.outcome import record_row
from bot.recording.context import (
    EffectContext,
    children_of,
    guardian_of,
    notify_child_staff,
    room_name,
    when_text,
)


def record_absence(context: EffectContext, effect: RecordAbsence) -> None:
    """Record the absence for each child (or join another guardian's report of it)."""
    children = children_of(context, effect.child_ids)
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
    guardian = guardian_of(context)
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
    context.audit("absence_recorded", f"absence:{absence.id}")
    reason = effect.reason + (f" ({', '.join(effect.symptoms)})" if effect.symptoms else "")
    notify_child_staff(
        context,
        child,
        context.staff_text(
            "notify.absence",
            ref=f"A{absence.id}",
            child=child.display_name,
            room=room_name(child),
            when=when_text(effect.start, effect.end),
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
    guardian = guardian_of(context)
    existing.reported_by_guardian_ids = sorted({*existing.reported_by_guardian_ids, guardian.id})
    notify_child_staff(
        context,
        child,
        context.staff_text(
            "notify.absence_also",
            ref=f"A{existing.id}",
            guardian=guardian.name,
            child=child.display_name,
            when=when_text(effect.start, effect.end),
        ),
    )


def withdraw_absence(context: EffectContext, effect: WithdrawAbsence) -> None:
    """Withdraw the sender's matching absence; tell the child's staff."""
    _withdraw(
        context,
        effect.child_ids,
        "absence",
        "notify.absence_withdrawn",
        when_text(effect.start, effect.end),
        lambda child: _active_absences(context.session, child.id, effect.start, effect.end),
    )


def record_collection(context: EffectContext, effect: RecordCollectionChange) -> None:
    """Record who collects (or lateness) for each child; tell the child's staff."""
    guardian = guardian_of(context)
    children = children_of(context, effect.child_ids)
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
        context.audit("collection_change_recorded", f"collection_change:{change.id}")
        notify_child_staff(
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
        "room": room_name(child),
        "guardian": guardian_of(context).name,
    }
    if effect.minutes_late is not None:
        return context.staff_text("notify.collection_late", minutes=effect.minutes_late, **common)
    return context.staff_text(
        "notify.collection",
        when=when_text(effect.on_date, effect.on_date),
        collector=_collector(effect),
        at=f" at {effect.collect_time}" if effect.collect_time else "",
        authorised=context.staff_text(
            "notify.authorised" if effect.authorised else "notify.not_authorised"
        ),
        **common,
    )


def withdraw_collection(context: EffectContext, effect: WithdrawCollectionChange) -> None:
    """Withdraw the sender's collection change for that day; tell the child's staff."""
    guardian_id = guardian_of(context).id
    _withdraw(
        context,
        effect.child_ids,
        "collection_change",
        "notify.collection_withdrawn",
        when_text(effect.on_date, effect.on_date),
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
    for child in children_of(context, child_ids):
        for notice in active(child):
            notice.status = "withdrawn"
            context.audit(f"{kind}_withdrawn", f"{kind}:{notice.id}")
        notify_child_staff(
            context,
            child,
            context.staff_text(
                alert_key,
                child=child.display_name,
                when=when,
                guardian=guardian_of(context).name,
            ),
        )
