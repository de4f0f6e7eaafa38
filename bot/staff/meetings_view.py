"""The dashboard's Meetings screen, read from the meetings tables: one week's meetings as rows
of plain data (the page and the CSV export show the same rows), filtered by role: a member of
staff sees the meetings they hold, managers every meeting (bot.staff.access). Read-only; the
meetings flow's actions (move, cancel) are added to these rows once it lands."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Child, Guardian, Meeting, MeetingChild, MeetingGuardian, Staff
from bot.staff.access import Action, Viewer, permits

CSV_COLUMNS = (
    "date",
    "start",
    "end",
    "staff",
    "children",
    "guardians",
    "mode",
    "source",
    "status",
    "topic",
)


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One meeting as the screen lists it (times in the setting's zone)."""

    id: int
    start: datetime
    end: datetime
    staff: str
    children: tuple[str, ...]
    guardians: tuple[str, ...]
    mode: str  # in_person, phone, video
    source: str  # key_person, evening
    status: str  # booked, cancelled
    topic: str

    def csv_values(self) -> list[str]:
        """The row as CSV_COLUMNS lists it."""
        return [
            self.start.date().isoformat(),
            self.start.strftime("%H:%M"),
            self.end.strftime("%H:%M"),
            self.staff,
            "; ".join(self.children),
            "; ".join(self.guardians),
            self.mode,
            self.source,
            self.status,
            self.topic,
        ]


def week_of(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def week_meetings(
    session: Session, setting_id: int, viewer: Viewer, monday: date, zone: ZoneInfo
) -> list[MeetingRow]:
    """The meetings of the week starting `monday` (setting time) that the viewer may see, by
    start time."""
    start = datetime.combine(monday, time(), zone).astimezone(UTC)
    query = (
        select(Meeting)
        .where(
            Meeting.setting_id == setting_id,
            Meeting.start >= start,
            Meeting.start < start + timedelta(days=7),
        )
        .order_by(Meeting.start, Meeting.id)
    )
    if not permits(viewer, Action.VIEW_ALL_MEETINGS):
        query = query.where(Meeting.staff_id == viewer.staff_id)
    meetings = list(session.scalars(query))
    ids = [meeting.id for meeting in meetings]
    children, guardians = _children(session, ids), _guardians(session, ids)
    staff = dict(
        session.execute(select(Staff.id, Staff.name).where(Staff.setting_id == setting_id)).all()
    )
    return [
        MeetingRow(
            meeting.id,
            meeting.start.astimezone(zone),
            meeting.end.astimezone(zone),
            staff.get(meeting.staff_id, "?"),
            children.get(meeting.id, ()),
            guardians.get(meeting.id, ()),
            meeting.mode,
            meeting.source,
            meeting.status,
            meeting.topic,
        )
        for meeting in meetings
    ]


def _children(session: Session, meeting_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Meeting id -> the names of the children it is about (one query)."""
    rows = session.execute(
        select(MeetingChild.meeting_id, Child)
        .join(Child, Child.id == MeetingChild.child_id)
        .where(MeetingChild.meeting_id.in_(meeting_ids))
        .order_by(Child.id)
    )
    return _grouped((meeting_id, child.display_name) for meeting_id, child in rows)


def _guardians(session: Session, meeting_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Meeting id -> the names of the guardians attending (one query)."""
    rows = session.execute(
        select(MeetingGuardian.meeting_id, Guardian.name)
        .join(Guardian, Guardian.id == MeetingGuardian.guardian_id)
        .where(MeetingGuardian.meeting_id.in_(meeting_ids))
        .order_by(Guardian.id)
    )
    return _grouped((meeting_id, name) for meeting_id, name in rows)


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for meeting_id, name in pairs:
        found.setdefault(meeting_id, []).append(name)
    return {meeting_id: tuple(names) for meeting_id, names in found.items()}


def meetings_csv(rows: list[MeetingRow]) -> str:
    """The rows as CSV, a header first; cells a spreadsheet would run as formulas are quoted
    with a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_safe(value) for value in row.csv_values()])
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell starting like a formula (=, +, -, @) is kept as text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
