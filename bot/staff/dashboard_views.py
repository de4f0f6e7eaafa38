"""Read-only views for the staff dashboard: today's register, the inbox, a child, the audit log.

Each view takes the signed-in `Viewer` and keeps only what `bot.staff.access.permits` lets them
see; none of them writes. The register's data comes from `bot.staff.register.load_day`, as the
chat's `register` command reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    SAFEGUARDING_HANDOFF,
    Absence,
    AuditLog,
    Child,
    CollectionChange,
    Guardian,
    HandoffItem,
    Room,
    Setting,
    Staff,
)
from bot.staff.access import (
    Action,
    ChildFacts,
    HandoffFacts,
    Viewer,
    may_take_over,
    permits,
)
from bot.staff.register import Day, load_day

RECENT = timedelta(days=30)  # a child's page lists notices from the last 30 days and onwards


@dataclass(frozen=True, slots=True)
class ChildName:
    """A child as a row names them, with their room."""

    id: int
    name: str
    room: str


@dataclass(frozen=True, slots=True)
class Arrived:
    child: ChildName
    at: datetime
    reported_absent: str | None  # the ref of an absence reported for today, to check


@dataclass(frozen=True, slots=True)
class Absent:
    child: ChildName
    ref: str  # A12
    reason: str
    symptoms: tuple[str, ...]
    acknowledged_by: str | None


@dataclass(frozen=True, slots=True)
class Unseen:
    child: ChildName
    chase: str | None  # chased, on_the_way, call_task
    chased_at: datetime | None


@dataclass(frozen=True, slots=True)
class Change:
    """A collection change (someone else collects) or lateness, for today."""

    child: ChildName
    ref: str  # C7
    late: bool
    collector: str
    collect_time: str | None
    minutes_late: int | None
    authorised: bool
    acknowledged_by: str | None


@dataclass(frozen=True)
class Today:
    """The register as one member of staff may see it."""

    day: date
    open: bool
    expected: int
    arrived: list[Arrived]
    absent: list[Absent]
    unseen: list[Unseen]
    changes: list[Change]

    @property
    def waiting(self) -> int:
        """Notices nobody has acknowledged yet."""
        absences = sum(1 for absence in self.absent if absence.acknowledged_by is None)
        return absences + sum(1 for change in self.changes if change.acknowledged_by is None)


def today(session: Session, setting: Setting, day: date, viewer: Viewer) -> Today:
    """Today's register, only the children the viewer may see."""
    if not setting.opens_on(day):
        return Today(day, False, 0, [], [], [], [])
    data = load_day(session, setting, day)
    rooms = room_names(session, setting.id)
    seen = {
        child.id: ChildName(child.id, child.display_name, rooms.get(child.room_id or 0, ""))
        for child in data.children
        if permits(viewer, Action.VIEW_CHILD, ChildFacts.of(child))
    }
    expected, arrived, absent, unseen = data.sorted_on(day)
    return Today(
        day=day,
        open=True,
        expected=sum(1 for child in expected if child.id in seen),
        arrived=[_arrived(data, seen[c.id]) for c in arrived if c.id in seen],
        absent=[_absent(data, seen[c.id]) for c in absent if c.id in seen],
        unseen=[_unseen(data, seen[c.id]) for c in unseen if c.id in seen],
        changes=[_change(data, c, seen[c.child_id]) for c in data.changes if c.child_id in seen],
    )


def room_names(session: Session, setting_id: int) -> dict[int, str]:
    """The setting's rooms: id -> name."""
    rows = session.execute(select(Room.id, Room.name).where(Room.setting_id == setting_id))
    return {room_id: name for room_id, name in rows}


def _arrived(data: Day, child: ChildName) -> Arrived:
    absence = data.absences.get(child.id)
    return Arrived(child, data.arrivals[child.id].at, f"A{absence.id}" if absence else None)


def _absent(data: Day, child: ChildName) -> Absent:
    absence = data.absences[child.id]
    return Absent(
        child,
        f"A{absence.id}",
        absence.reason,
        tuple(absence.symptoms),
        _staff_name(data, absence.acknowledged_by_staff_id),
    )


def _unseen(data: Day, child: ChildName) -> Unseen:
    chase = data.chases.get(child.id)
    if chase is None:
        return Unseen(child, None, None)
    if chase.answer == "late":
        return Unseen(child, "on_the_way", chase.chased_at)
    return Unseen(child, "call_task" if chase.call_task_at else "chased", chase.chased_at)


def _change(data: Day, change: CollectionChange, child: ChildName) -> Change:
    collector = change.collector_name or change.collector_relationship or ""
    if change.collector_name and change.collector_relationship:
        collector = f"{change.collector_name} ({change.collector_relationship})"
    return Change(
        child,
        f"C{change.id}",
        change.kind == "late",
        collector,
        change.collect_time,
        change.minutes_late,
        change.authorised,
        _staff_name(data, change.acknowledged_by_staff_id),
    )


def _staff_name(data: Day, staff_id: int | None) -> str | None:
    return None if staff_id is None else data.staff_names.get(staff_id, "?")


@dataclass(frozen=True, slots=True)
class Handoff:
    """A parent's message (or a call task) waiting for a member of staff."""

    id: int
    kind: str
    status: str
    created_at: datetime
    words: str  # the parent's own words
    english: str | None  # machine translation, when one was made
    language: str
    guardian: str | None
    child: ChildName | None
    assigned_staff_id: int | None
    assigned_to: str | None

    @property
    def ref(self) -> str:
        return f"H{self.id}"

    @property
    def safeguarding(self) -> bool:
        return self.kind == SAFEGUARDING_HANDOFF

    @property
    def facts(self) -> HandoffFacts:
        return HandoffFacts(self.kind, self.assigned_staff_id)


def inbox(
    session: Session, setting_id: int, viewer: Viewer, *, status: str = "open", kind: str = ""
) -> list[Handoff]:
    """The handoffs (of one kind, when given) the viewer may see, safeguarding items first,
    then newest first."""
    query = select(HandoffItem).where(
        HandoffItem.setting_id == setting_id, HandoffItem.status == status
    )
    query = query.where(HandoffItem.kind == kind) if kind else query
    items = session.scalars(query.order_by(HandoffItem.created_at.desc(), HandoffItem.id.desc()))
    visible = [
        item for item in items if permits(viewer, Action.VIEW_HANDOFF, HandoffFacts.of(item))
    ]
    rows = _handoffs(session, setting_id, visible)
    return sorted(rows, key=lambda row: not row.safeguarding)


def handoff(session: Session, setting_id: int, handoff_id: int) -> Handoff | None:
    """One handoff of the setting, whoever may see it (the caller asks `permits`)."""
    item = session.get(HandoffItem, handoff_id)
    if item is None or item.setting_id != setting_id:
        return None
    return _handoffs(session, setting_id, [item])[0]


def _handoffs(session: Session, setting_id: int, items: list[HandoffItem]) -> list[Handoff]:
    guardian_ids = {item.guardian_id for item in items if item.guardian_id}
    child_ids = {item.child_id for item in items if item.child_id}
    guardians = {
        guardian_id: name
        for guardian_id, name in session.execute(
            select(Guardian.id, Guardian.name).where(Guardian.id.in_(guardian_ids))
        )
    }
    rooms = room_names(session, setting_id)
    children = {
        child.id: ChildName(child.id, child.display_name, rooms.get(child.room_id or 0, ""))
        for child in session.scalars(select(Child).where(Child.id.in_(child_ids)))
    }
    staff = _staff_names(session, setting_id)
    return [
        Handoff(
            id=item.id,
            kind=item.kind,
            status=item.status,
            created_at=item.created_at,
            words=item.text,
            english=item.english_text,
            language=item.language,
            guardian=guardians.get(item.guardian_id) if item.guardian_id else None,
            child=children.get(item.child_id) if item.child_id else None,
            assigned_staff_id=item.assigned_staff_id,
            assigned_to=staff.get(item.assigned_staff_id) if item.assigned_staff_id else None,
        )
        for item in items
    ]


def _staff_names(session: Session, setting_id: int) -> dict[int, str]:
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.setting_id == setting_id))
    return {staff_id: name for staff_id, name in rows}


def assignees(session: Session, setting_id: int, item: Handoff) -> list[tuple[int, str]]:
    """Who the handoff may be passed to (id, name): those who may see it once it is theirs."""
    staff = session.scalars(
        select(Staff).where(Staff.setting_id == setting_id).order_by(Staff.name)
    )
    return [
        (member.id, member.name)
        for member in staff
        if member.id != item.assigned_staff_id and may_take_over(Viewer.of(member), item.facts)
    ]


@dataclass(frozen=True)
class ChildPage:
    """One child: where they are, who looks after them, their family and recent notices."""

    child: ChildName
    key_person: str | None
    days: tuple[str, ...]
    guardians: list[tuple[str, str, str]]  # name, relationship, language
    absences: list[Absence]
    changes: list[CollectionChange]


def child_page(session: Session, setting_id: int, child_id: int, day: date) -> ChildPage | None:
    """A child of the setting with their notices since 30 days before `day` (the caller asks
    `permits`)."""
    child = session.get(Child, child_id)
    if child is None or child.setting_id != setting_id:
        return None
    since = day - RECENT
    guardians = session.scalars(
        select(Guardian).where(Guardian.children.any(Child.id == child.id)).order_by(Guardian.id)
    )
    absences = session.scalars(
        select(Absence)
        .where(Absence.child_id == child.id, Absence.end >= since)
        .order_by(Absence.start.desc(), Absence.id.desc())
    )
    changes = session.scalars(
        select(CollectionChange)
        .where(CollectionChange.child_id == child.id, CollectionChange.on_date >= since)
        .order_by(CollectionChange.on_date.desc(), CollectionChange.id.desc())
    )
    return ChildPage(
        child=ChildName(child.id, child.display_name, child.room.name if child.room else ""),
        key_person=child.key_person.name if child.key_person else None,
        days=tuple(child.attendance_days),
        guardians=[(g.name, g.relationship_to_child, g.language) for g in guardians],
        absences=list(absences),
        changes=list(changes),
    )


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    entries: list[AuditLog]
    page: int
    pages: int


def audit_page(session: Session, page: int, per_page: int = 50) -> AuditPage:
    """Page `page` (from 1) of the audit log; a page past the end is the last one."""
    total = session.scalar(select(func.count(AuditLog.id))) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = session.scalars(
        select(AuditLog).order_by(AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return AuditPage(list(entries), page, pages)
