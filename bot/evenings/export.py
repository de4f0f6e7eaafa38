"""A scheduled parents' evening as the manager sees it: the grid (one column per member of staff,
one row per slot), and the same meetings as CSV and as an iCalendar (.ics) file. Reading only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Child,
    Guardian,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    ParentsEvening,
    Setting,
    Staff,
)
from bot.evenings.grid import grid_for
from bot.evenings.scope import evening_spec


@dataclass(frozen=True, slots=True)
class Booked:
    """One meeting of the evening, with names."""

    start: datetime  # in the setting's zone
    end: datetime
    staff: str
    children: tuple[str, ...]
    guardians: tuple[str, ...]
    mode: str


def booked(session: Session, evening: ParentsEvening) -> list[Booked]:
    """The evening's booked meetings in time order."""
    zone = ZoneInfo(session.get_one(Setting, evening.setting_id).timezone)
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.source == "evening",
            Meeting.source_id == evening.id,
            Meeting.status == "booked",
        )
        .order_by(Meeting.start, Meeting.staff_id)
    )
    rows = []
    for meeting in meetings:
        children = session.scalars(
            select(Child)
            .join(MeetingChild, MeetingChild.child_id == Child.id)
            .where(MeetingChild.meeting_id == meeting.id)
            .order_by(Child.id)
        )
        guardians = session.scalars(
            select(Guardian.name)
            .join(MeetingGuardian, MeetingGuardian.guardian_id == Guardian.id)
            .where(MeetingGuardian.meeting_id == meeting.id)
            .order_by(Guardian.id)
        )
        rows.append(
            Booked(
                meeting.start.astimezone(zone),
                meeting.end.astimezone(zone),
                session.get_one(Staff, meeting.staff_id).name,
                tuple(c.display_name for c in children),
                tuple(guardians),
                meeting.mode,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class EveningGrid:
    """The evening's grid as data: a column per member of staff, a row per slot; a cell holds
    the children met (", (phone)" added), "" when free, None in a break."""

    staff: tuple[str, ...]
    rows: tuple[tuple[datetime, tuple[str | None, ...]], ...]

    def only(self, name: str) -> EveningGrid:
        """The same grid with `name`'s column alone (empty when they meet nobody)."""
        keep = [index for index, staff in enumerate(self.staff) if staff == name]
        rows = tuple((start, tuple(cells[i] for i in keep)) for start, cells in self.rows)
        return EveningGrid(tuple(self.staff[i] for i in keep), rows)


def evening_grid(session: Session, evening: ParentsEvening) -> EveningGrid:
    """The evening's grid (what `grid_text` prints and the dashboard shows)."""
    meetings = booked(session, evening)
    spec = evening_spec(evening)
    grid = grid_for(spec, session.get_one(Setting, evening.setting_id).timezone)
    staff = tuple(sorted({m.staff for m in meetings}))
    at = {
        (m.start, m.staff): ", ".join(m.children) + (" (phone)" if m.mode == "phone" else "")
        for m in meetings
    }
    rows = tuple(
        (
            start,
            tuple(None if index in grid.breaks else at.get((start, name), "") for name in staff),
        )
        for index, (start, _end) in enumerate(grid.slots)
    )
    return EveningGrid(staff, rows)


def grid_text(session: Session, evening: ParentsEvening) -> str:
    """The whole evening as a text grid: a row per slot, a column per member of staff."""
    grid = evening_grid(session, evening)
    texts = [cell for _start, cells in grid.rows for cell in cells if cell]
    width = max([len(text) for text in texts] + [len(name) for name in grid.staff] + [4])
    lines = [f"Parents' evening E{evening.id} ({evening.status}), replies by {evening.reply_by}"]
    lines.append(" " * 16 + " | ".join(name.ljust(width) for name in grid.staff))
    for start, cells in grid.rows:
        shown = ["(break)" if cell is None else cell for cell in cells]
        lines.append(f"{start:%a %d %b %H:%M} | " + " | ".join(c.ljust(width) for c in shown))
    return "\n".join(line.rstrip() for line in lines)


def grid_csv(session: Session, evening: ParentsEvening) -> str:
    """One line per meeting: start, end, staff, children, guardians, mode."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["start", "end", "staff", "children", "guardians", "mode"])
    for m in booked(session, evening):
        writer.writerow(
            [
                m.start.isoformat(),
                m.end.isoformat(),
                m.staff,
                "; ".join(m.children),
                "; ".join(m.guardians),
                m.mode,
            ]
        )
    return out.getvalue()


def grid_ics(session: Session, evening: ParentsEvening) -> bytes:
    """Every meeting as an iCalendar event (for the staff's calendars)."""
    setting = session.get_one(Setting, evening.setting_id)
    calendar = Calendar()
    calendar.add("prodid", "-//parentbot//parents evening//EN")
    calendar.add("version", "2.0")
    for number, m in enumerate(booked(session, evening), 1):
        event = Event()
        event.add("uid", f"evening-{evening.id}-{number}@{setting.slug}")
        event.add("dtstart", m.start)
        event.add("dtend", m.end)
        event.add("summary", f"Parents' evening: {', '.join(m.children)} with {m.staff}")
        event.add("description", f"With {' and '.join(m.guardians)} ({m.mode})")
        event.add("location", setting.name)
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
