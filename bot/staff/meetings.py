"""Staff meeting commands, decided (the session only reads): `meetings` (this week's), `free Tue
16:00-18:00` and `busy Thu` (weekly hours, stored on the staff row: a re-import of staff.csv
sets them again from its `meeting_hours` column), `offer H7 Thu 18:15` (a time for the parent
behind a meeting request, booked with one tap), `cancel M3` and `move M3 Thu 16:00` (the
parents are told). bot/recording/meetings_staff.py applies the effects."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.calendar import weekday_of
from bot.db.models import MEETING_BOOKED, HandoffItem, Meeting
from bot.flows.dates import short_date
from bot.meetings import store
from bot.meetings.availability import (
    HoursError,
    hours_text,
    parse_hours,
    with_day,
)
from bot.meetings.options import meeting_options
from bot.staff.commands import MeetingCommand
from bot.staff.effects import (
    OfferMeeting,
    SetMeetingHours,
    StaffCancelMeeting,
    StaffMoveMeeting,
    Viewed,
)
from bot.staff.request import StaffRequest, StaffStep
from bot.staff.when import WhenError, moment
from bot.types import Reply


def meeting_command(request: StaffRequest, command: MeetingCommand) -> StaffStep:
    """One meeting command's reply and effects."""
    if command.verb == "meetings":
        return _week(request)
    if command.verb in ("free", "busy"):
        return _hours(request, command)
    if command.verb == "offer":
        return _offer(request, command)
    return _change(request, command)


def _week(request: StaffRequest) -> StaffStep:
    """The member of staff's booked meetings from today for seven days."""
    zone = ZoneInfo(request.setting.timezone)
    today = request.now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    end = today + timedelta(days=7)
    rows = request.session.scalars(
        select(Meeting)
        .where(
            Meeting.staff_id == request.staff.id,
            Meeting.status == MEETING_BOOKED,
            Meeting.start >= today,
            Meeting.start < end,
        )
        .order_by(Meeting.start)
    ).all()
    span = {"start": short_date(today.date(), "en"), "end": short_date(end.date(), "en")}
    viewed = Viewed(f"meetings:staff:{request.staff.id}")
    if not rows:
        return StaffStep.say(request, "meeting_staff.no_week", viewed, **span)
    lines = [_line(request, row) for row in rows]
    return StaffStep.say(request, "meeting_staff.week", viewed, lines="\n".join(lines), **span)


def _line(request: StaffRequest, row: Meeting) -> str:
    view = store.view(request.session, request.setting, row)
    names = store.names(request.session, row.id)
    return request.say(
        "meeting_staff.line",
        ref=f"M{row.id}",
        when=staff_time(view.start),
        children=", ".join(names.children),
        guardians=", ".join(names.guardians),
        mode=request.say(f"meeting_mode.{row.mode}"),
    )


def staff_time(start: datetime) -> str:
    """ "Tue 24 Nov 16:00" (English, the setting's time)."""
    return f"{short_date(start.date(), 'en')} {start:%H:%M}"


def _hours(request: StaffRequest, command: MeetingCommand) -> StaffStep:
    """`free Tue 16:00-18:00` replaces Tuesday's windows; `busy Thu` removes Thursday's."""
    weekday = weekday_of(command.day)
    try:
        if weekday is None:
            raise HoursError(f"{command.day!r} is not a day")
        windows = parse_hours(request.staff.meeting_hours or "")
        new = parse_hours(f"{command.day} {command.rest}") if command.verb == "free" else ()
    except HoursError as problem:
        return StaffStep.say(request, "meeting_staff.bad_hours", problem=str(problem))
    hours = hours_text(with_day(windows, weekday, new))
    if not hours:
        return StaffStep.say(request, "meeting_staff.no_hours", SetMeetingHours(hours))
    return StaffStep.say(request, "meeting_staff.hours", SetMeetingHours(hours), hours=hours)


def _offer(request: StaffRequest, command: MeetingCommand) -> StaffStep:
    """A time for the parent behind an open meeting request."""
    item = request.session.get(HandoffItem, command.ref or 0)
    ref = f"H{command.ref}"
    if (
        item is None
        or item.setting_id != request.setting.id
        or item.kind != "book_meeting"
        or item.guardian_id is None
    ):
        return StaffStep.say(request, "meeting_staff.not_request", ref=ref)
    start = _when(request, command.rest, f'"offer {ref} Thu 18:15"')
    if isinstance(start, WhenError):
        return StaffStep((Reply(str(start)),))
    if _busy_at(request, start):
        return StaffStep.say(request, "meeting_staff.slot_taken", when=staff_time(start))
    end = start + _length(request)
    return StaffStep((), (OfferMeeting(item.id, start, end),))


def _change(request: StaffRequest, command: MeetingCommand) -> StaffStep:
    """`cancel M3` / `move M3 Thu 16:00` on one of the member's own booked meetings."""
    row = request.session.get(Meeting, command.ref or 0)
    if row is None or row.staff_id != request.staff.id or row.status != MEETING_BOOKED:
        return StaffStep.say(request, "meeting_staff.not_yours", id=command.ref)
    if command.verb == "cancel":
        return StaffStep((), (StaffCancelMeeting(row.id),))
    start = _when(request, command.rest, f'"move M{row.id} Thu 16:00"')
    if isinstance(start, WhenError):
        return StaffStep((Reply(str(start)),))
    if _busy_at(request, start):
        return StaffStep.say(request, "meeting_staff.slot_taken", when=staff_time(start))
    return StaffStep((), (StaffMoveMeeting(row.id, start, start + _length(request), request.now),))


def _when(request: StaffRequest, text: str, example: str) -> datetime | WhenError:
    """The moment staff typed, or why it is not one (unclear, or passed)."""
    try:
        return moment(text, request.now.astimezone(ZoneInfo(request.setting.timezone)), example)
    except WhenError as problem:
        return problem


def _length(request: StaffRequest) -> timedelta:
    return timedelta(minutes=meeting_options(request.setting.options).meeting_minutes)


def _busy_at(request: StaffRequest, start: datetime) -> bool:
    """Whether the member of staff has a booked meeting starting then (the unique index would
    refuse a second; said at once, rather than on the tap)."""
    found = request.session.scalar(
        select(Meeting.id).where(
            Meeting.staff_id == request.staff.id,
            Meeting.status == MEETING_BOOKED,
            Meeting.start == start,
        )
    )
    return found is not None
