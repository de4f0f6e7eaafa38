"""Absences and collection changes: record, join, withdraw, and tell the child's staff.

A notice is known by its refs (A12 an absence, C7 a collection change; one record per child).
Recording reports the refs it wrote (or joined) in the turn's outcome, so the reply's choices can
carry them; `own_notice` reads refs back for a guardian, and withdrawing re-checks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import Session

from bot.db.models import Absence, Child, CollectionChange, GuardianChild
from bot.flows.draft import ABSENCE, COLLECTION, Draft
from bot.flows.effects import (
    AbsenceAfterArrival,
    CiteNotice,
    RecordAbsence,
    RecordCollectionChange,
    WithdrawNotice,
)
from bot.pipeline.outcome import record_row
from bot.recording.context import (
    EffectContext,
    children_of,
    guardian_of,
    notify_child_staff,
    room_name,
    when_text,
)

Notice = Sequence[Absence] | Sequence[CollectionChange]
N = TypeVar("N", Absence, CollectionChange)
WITHDRAWN_ALERTS = {
    "absence": "notify.absence_withdrawn",
    "collection_change": "notify.collection_withdrawn",
}


def record_absence(context: EffectContext, effect: RecordAbsence) -> None:
    """Record the absence for each child (or join another guardian's report of it)."""
    children = children_of(context, effect.child_ids)
    rows = []
    for child in children:
        existing = _active_absences(context.session, child.id, effect.start, effect.end).first()
        if existing is None:
            rows.append(_add_absence(context, child, effect))
        else:
            rows.append(_join_absence(context, child, existing, effect))
    _report(context, rows, written=True)


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


def _add_absence(context: EffectContext, child: Child, effect: RecordAbsence) -> Absence:
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
        ack=f"A{absence.id}",
    )
    return absence


def _join_absence(
    context: EffectContext, child: Child, existing: Absence, effect: RecordAbsence
) -> Absence:
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
        ack=f"A{existing.id}",
    )
    return existing


def record_collection(context: EffectContext, effect: RecordCollectionChange) -> None:
    """Record who collects (or lateness) for each child; tell the child's staff."""
    guardian = guardian_of(context)
    rows = []
    for child in children_of(context, effect.child_ids):
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
        alert = _collection_alert(context, change, child)
        notify_child_staff(context, child, alert, effect.words, ack=f"C{change.id}")
        rows.append(change)
    _report(context, rows, written=True)


def _collector(change: CollectionChange) -> str:
    if change.collector_name and change.collector_relationship:
        return f"{change.collector_name} ({change.collector_relationship})"
    return change.collector_name or change.collector_relationship or ""


def _collection_alert(context: EffectContext, change: CollectionChange, child: Child) -> str:
    common = {
        "ref": f"C{change.id}",
        "child": child.display_name,
        "room": room_name(child),
        "guardian": guardian_of(context).name,
    }
    if change.minutes_late is not None:
        return context.staff_text("notify.collection_late", minutes=change.minutes_late, **common)
    return context.staff_text(
        "notify.collection",
        when=when_text(change.on_date, change.on_date),
        collector=_collector(change),
        at=f" at {change.collect_time}" if change.collect_time else "",
        authorised=context.staff_text(
            "notify.authorised" if change.authorised else "notify.not_authorised"
        ),
        **common,
    )


def withdraw_notice(context: EffectContext, effect: WithdrawNotice) -> None:
    """Withdraw the sender's notice (each child's record still active); tell the staff."""
    guardian = guardian_of(context)
    rows = notice_rows(context.session, guardian.id, effect.refs)
    if rows is None:
        raise PermissionError(f"{context.actor} may not withdraw {'+'.join(effect.refs)}")
    for row in rows:
        if row.status != "active":  # withdrawn meanwhile, by another guardian
            continue
        row.status = "withdrawn"
        kind, ref, start, end = _describe(row)
        context.audit(f"{kind}_withdrawn", f"{kind}:{row.id}")
        child = context.session.get_one(Child, row.child_id)
        notify_child_staff(
            context,
            child,
            context.staff_text(
                WITHDRAWN_ALERTS[kind],
                ref=ref,
                child=child.display_name,
                when=when_text(start, end),
                guardian=guardian.name,
            ),
        )
    _report(context, rows)


def cite_notice(context: EffectContext, effect: CiteNotice) -> None:
    """List the notice as it now stands."""
    rows = notice_rows(context.session, guardian_of(context).id, effect.refs)
    if rows is None:
        raise PermissionError(f"{context.actor} may not see {'+'.join(effect.refs)}")
    _report(context, rows)


def absence_after_arrival(context: EffectContext, effect: AbsenceAfterArrival) -> None:
    """Tell a signed-in child's staff that the parent reported them absent (nothing recorded)."""
    [child] = children_of(context, (effect.child_id,))
    text = context.staff_text(
        "notify.absence_after_arrival",
        guardian=guardian_of(context).name,
        child=child.display_name,
        room=room_name(child),
        time=effect.signed_in,
    )
    notify_child_staff(context, child, text, effect.words)


def notice_rows(session: Session, guardian_id: int, refs: tuple[str, ...]) -> Notice | None:
    """The records these refs name, when every one exists, is about one of the guardian's own
    children and was reported by them; None otherwise (unknown, another family's, mixed kinds)."""
    kinds = {ref[:1] for ref in refs}
    if kinds not in ({"A"}, {"C"}):
        return None
    ids = {int(ref[1:]) for ref in refs}
    rows: Notice = (
        _own_rows(session, Absence, ids, guardian_id)
        if kinds == {"A"}
        else _own_rows(session, CollectionChange, ids, guardian_id)
    )
    if len(rows) != len(ids) or not all(_reported_by(row, guardian_id) for row in rows):
        return None
    return rows


def own_notice(session: Session, guardian_id: int, refs: tuple[str, ...]) -> Draft | None:
    """The guardian's own notice with these refs as a draft, while every record of it is still
    active and they share their days; None when it may no longer be acted on."""
    rows = notice_rows(session, guardian_id, refs)
    if not rows or any(row.status != "active" for row in rows):
        return None
    days = {_describe(row)[2:] for row in rows}
    if len(days) != 1:
        return None
    [(start, end)] = days
    children = tuple(row.child_id for row in rows)
    first = rows[0]
    if isinstance(first, Absence):
        return Draft(ABSENCE, children, start, end, first.reason, tuple(first.symptoms), refs=refs)
    collector = (first.collector_name, first.collector_relationship)
    late = (first.collect_time, first.minutes_late)
    return Draft(COLLECTION, children, start, end, None, (), *collector, *late, refs=refs)


def _own_rows(session: Session, model: type[N], ids: set[int], guardian_id: int) -> list[N]:
    """The records of this kind with these ids about the guardian's own children."""
    own = select(GuardianChild.child_id).where(GuardianChild.guardian_id == guardian_id)
    query = select(model).where(model.id.in_(ids), model.child_id.in_(own)).order_by(model.id)
    return list(session.scalars(query))


def _reported_by(row: Absence | CollectionChange, guardian_id: int) -> bool:
    if isinstance(row, Absence):
        return guardian_id in row.reported_by_guardian_ids
    return row.guardian_id == guardian_id


def _describe(row: Absence | CollectionChange) -> tuple[str, str, date, date]:
    """(kind, ref, first day, last day) of one record."""
    if isinstance(row, Absence):
        return "absence", f"A{row.id}", row.start, row.end
    return "collection_change", f"C{row.id}", row.on_date, row.on_date


def _report(context: EffectContext, rows: Notice, *, written: bool = False) -> None:
    """One `records` entry for the notice as it now stands; `written` also reports its refs for
    the reply's choices (bot/flows/refs.py)."""
    if not rows:
        return
    refs = [_describe(row)[1] for row in rows]
    if written:
        context.written.extend(refs)
    children = [context.session.get_one(Child, row.child_id) for row in rows]
    kind, _, start, end = _describe(rows[0])
    values: dict[str, Any] = {"status": rows[0].status, "refs": refs}
    first = rows[0]
    if isinstance(first, Absence):
        values |= {"reason": first.reason, "symptoms": list(first.symptoms)}
    else:
        values |= {
            "collector": _collector(first) or None,
            "time": first.collect_time,
            "minutes_late": first.minutes_late,
            "authorised": first.authorised,
        }
    context.records.append(record_row(kind, children, start, end, **values))
