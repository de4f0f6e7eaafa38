"""A booked meeting as an iCalendar (.ics) invitation, served at an unguessable link
(`/meetings/<ics_token>.ics`, parentbot/web.py) for parents who want it in their calendar."""

from __future__ import annotations

import os

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import MEETING_BOOKED, Child, Meeting, MeetingChild, Setting, Staff
from bot.meetings.options import meeting_options


def link(token: str) -> str | None:
    """The invitation's address when the deployment says where it is served (PUBLIC_BASE_URL)."""
    base = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    return f"{base}/meetings/{token}.ics" if base else None


def invitation(session: Session, setting_id: int, token: str) -> bytes | None:
    """The meeting's .ics (cancelled meetings say so), or None for an unknown token."""
    if not token or len(token) > 64:
        return None
    row = session.scalar(
        select(Meeting).where(Meeting.ics_token == token, Meeting.setting_id == setting_id)
    )
    if row is None:
        return None
    setting = session.get_one(Setting, setting_id)
    staff = session.get_one(Staff, row.staff_id)
    children = session.scalars(
        select(Child)
        .join(MeetingChild, MeetingChild.child_id == Child.id)
        .where(MeetingChild.meeting_id == row.id)
    )
    about = ", ".join(child.known_as or child.first_name for child in children)
    place = meeting_options(setting.options).place or setting.name
    calendar = Calendar()
    calendar.add("prodid", "-//parentbot//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{row.id}-{row.ics_token[:8]}@parentbot")
    event.add("dtstamp", row.created_at)
    event.add("dtstart", row.start)
    event.add("dtend", row.end)
    event.add("summary", f"{setting.name}: {staff.name} about {about}")
    event.add("location", place if row.mode == "in_person" else row.mode.replace("_", " "))
    event.add("status", "CONFIRMED" if row.status == MEETING_BOOKED else "CANCELLED")
    calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
