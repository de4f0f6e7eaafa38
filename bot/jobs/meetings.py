"""The meeting reminders job: every few minutes, each booked meeting whose reminder time (the
day before, at `meeting_reminder_at`, local time) has come is reminded, whatever booked it (a
key-person meeting, a parents' evening slot). A meeting is reminded at most once: its
`reminded_at` is claimed when the reminder is written, so a restart, a late start or a second
run neither skips nor doubles it. A meeting booked after its reminder time gets none (its
read-back was the reminder)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import MEETING_BOOKED, Meeting
from bot.jobs.effects import RemindMeeting
from bot.jobs.job import JobContext, JobResult
from bot.meetings.options import meeting_options

REMINDERS_EVERY_MINUTES = 5


def remind_meetings(context: JobContext) -> JobResult:
    """A reminder for every booked meeting now due one and not yet reminded."""
    setting = context.setting
    zone = ZoneInfo(setting.timezone)
    at = time.fromisoformat(meeting_options(setting.options).reminder_at)
    rows = context.session.scalars(
        select(Meeting).where(
            Meeting.setting_id == setting.id,
            Meeting.status == MEETING_BOOKED,
            Meeting.reminded_at.is_(None),
            Meeting.start > context.now,
            Meeting.start < context.now + timedelta(days=2),
        )
    )
    effects = [
        RemindMeeting(row.id, context.now)
        for row in rows
        if _due(row, zone, at) <= context.now and row.created_at < _due(row, zone, at)
    ]
    return JobResult(effects=tuple(effects))


def _due(row: Meeting, zone: ZoneInfo, at: time) -> datetime:
    """When the meeting's reminder is due: the day before it, at the reminder time."""
    day_before = row.start.astimezone(zone).date() - timedelta(days=1)
    return datetime.combine(day_before, at, zone)
