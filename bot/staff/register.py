"""Today's register for staff: expected, in, absent with reasons, collection changes, unseen.

Each child is listed once: a child signed in is in, even when an absence was reported for today
(that line says so, with the notice's ref, for staff to check with the family)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import attends_on
from bot.db.models import (
    Absence,
    AbsenceChase,
    Arrival,
    Child,
    CollectionChange,
    Setting,
    Staff,
)
from bot.flows.dates import short_date

Say = Callable[..., str]


@dataclass(frozen=True)
class Day:
    """Everything recorded about the setting's children on one day."""

    children: list[Child]
    arrivals: dict[int, Arrival]
    absences: dict[int, Absence]
    chases: dict[int, AbsenceChase]
    changes: list[CollectionChange]
    staff_names: dict[int, str]

    def sorted_on(self, day: date) -> tuple[list[Child], list[Child], list[Child], list[Child]]:
        """Expected, in, absent (not in), and expected but not yet seen: each child once."""
        expected = [child for child in self.children if attends_on(child.attendance_days, day)]
        arrived = [child for child in self.children if child.id in self.arrivals]
        absent = [c for c in self.children if c.id in self.absences and c.id not in self.arrivals]
        unseen = [c for c in expected if c.id not in self.arrivals and c.id not in self.absences]
        return expected, arrived, absent, unseen


def load_day(session: Session, setting: Setting, day: date) -> Day:
    """Read the day's arrivals, active absences, absence checks and collection changes."""
    children = list(
        session.scalars(
            select(Child)
            .where(Child.setting_id == setting.id)
            .order_by(Child.last_name, Child.first_name)
        )
    )
    ids = [child.id for child in children]
    absences = select(Absence).where(
        Absence.child_id.in_(ids), Absence.status == "active", Absence.start <= day
    )
    changes = select(CollectionChange).where(
        CollectionChange.child_id.in_(ids),
        CollectionChange.on_date == day,
        CollectionChange.status == "active",
    )
    chases = select(AbsenceChase).where(AbsenceChase.child_id.in_(ids), AbsenceChase.on_date == day)
    arrivals = select(Arrival).where(Arrival.child_id.in_(ids), Arrival.on_date == day)
    staff = session.scalars(select(Staff).where(Staff.setting_id == setting.id))
    return Day(
        children=children,
        arrivals={row.child_id: row for row in session.scalars(arrivals)},
        absences={
            row.child_id: row
            for row in session.scalars(absences.where(Absence.end >= day).order_by(Absence.id))
        },
        chases={row.child_id: row for row in session.scalars(chases)},
        changes=list(session.scalars(changes.order_by(CollectionChange.id))),
        staff_names={member.id: member.name for member in staff},
    )


def register_text(session: Session, setting: Setting, now: datetime, say: Say) -> str:
    """The register as a short text (English, for staff)."""
    zone = ZoneInfo(setting.timezone)
    day = now.astimezone(zone).date()
    if not setting.opens_on(day):
        return say("register.closed", date=short_date(day, "en"))
    data = load_day(session, setting, day)

    def clock(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%H:%M")

    expected, arrived, absent, unseen = data.sorted_on(day)
    sections = {
        "register.in": [_arrived_item(data, c, say, clock) for c in arrived],
        "register.absent": [_absent_item(data, c, say) for c in absent],
        "register.unseen": [_unseen_item(data, c, say, clock) for c in unseen],
    }
    if data.changes:
        names = {child.id: child.display_name for child in data.children}
        sections["register.collection"] = [
            _change_item(change, names[change.child_id], say) for change in data.changes
        ]
    heading = say(
        "register.heading",
        date=short_date(day, "en"),
        expected=len(expected),
        arrived=len(arrived),
        absent=len(absent),
        unseen=len(unseen),
    )
    lines = [
        say(key, items="; ".join(items) or say("register.none")) for key, items in sections.items()
    ]
    return "\n".join([heading, *lines])


def _arrived_item(data: Day, child: Child, say: Say, clock: Callable[[datetime], str]) -> str:
    absence = data.absences.get(child.id)
    note = say("register.arrived_reported_absent", ref=f"A{absence.id}") if absence else ""
    return (
        say(
            "register.arrived_item",
            child=child.display_name,
            time=clock(data.arrivals[child.id].at),
        )
        + note
    )


def _absent_item(data: Day, child: Child, say: Say) -> str:
    absence = data.absences[child.id]
    reason = absence.reason + (f": {', '.join(absence.symptoms)}" if absence.symptoms else "")
    acked = (
        say("register.acked", staff=data.staff_names.get(absence.acknowledged_by_staff_id, "?"))
        if absence.acknowledged_by_staff_id
        else say("register.not_acked")
    )
    return say(
        "register.absent_item",
        child=child.display_name,
        reason=reason,
        ref=f"A{absence.id}",
        acked=acked,
    )


def _unseen_item(data: Day, child: Child, say: Say, clock: Callable[[datetime], str]) -> str:
    chase = data.chases.get(child.id)
    note = ""
    if chase is not None and chase.answer == "late":
        note = say("register.on_the_way")
    elif chase is not None and chase.call_task_at is not None:
        note = say("register.call_task")
    elif chase is not None:
        note = say("register.chased", time=clock(chase.chased_at))
    return say("register.unseen_item", child=child.display_name, chase=note)


def _change_item(change: CollectionChange, child: str, say: Say) -> str:
    ref = f"C{change.id}"
    if change.kind == "late":
        return say("register.late_item", child=child, minutes=change.minutes_late, ref=ref)
    collector = change.collector_name or change.collector_relationship or "?"
    if change.collector_name and change.collector_relationship:
        collector = f"{change.collector_name} ({change.collector_relationship})"
    return say(
        "register.collector_item",
        child=child,
        collector=collector,
        at=f" at {change.collect_time}" if change.collect_time else "",
        ref=ref,
        authorised="" if change.authorised else say("register.not_listed"),
    )
