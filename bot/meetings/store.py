"""Reading meetings from the database for the flow's look-ups, the staff commands and the jobs:
a member of staff's free slots (the one pure computation, `free_slots`, fed from the rows), a
guardian's booked meetings, and offers staff made by `offer H7 ...`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    MEETING_BOOKED,
    Child,
    Guardian,
    GuardianChild,
    HandoffItem,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    Outbox,
    Setting,
    Staff,
)
from bot.meetings.availability import HoursError, Slot, free_slots, parse_hours
from bot.meetings.options import meeting_options
from bot.meetings.views import OFFER, Meetings, MeetingView, StaffOffer, token_minutes

OFFER_KIND = "meeting_offer"  # the outbox kind of a staff offer sent to a guardian


def aware(moment: datetime) -> datetime:
    """A stored datetime as aware UTC (SQLite gives naive values back)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def staff_free(session: Session, setting: Setting, staff: Staff, now: datetime) -> list[Slot]:
    """Every free slot of this member of staff, from the earliest bookable moment (now plus
    `meeting_notice_hours`) to the horizon, in the setting's time."""
    options = meeting_options(setting.options)
    try:
        windows = parse_hours(staff.meeting_hours or "")
    except HoursError:
        return []  # checked at import and by the `free` command; an old bad value offers nothing
    zone = ZoneInfo(setting.timezone)
    earliest = now.astimezone(zone) + timedelta(hours=options.meeting_notice_hours)
    last_day = now.astimezone(zone).date() + timedelta(days=options.meeting_horizon_days)
    booked = session.execute(
        select(Meeting.start, Meeting.end).where(
            Meeting.staff_id == staff.id,
            Meeting.status == MEETING_BOOKED,
            Meeting.end > now,
        )
    )
    busy = [(aware(start), aware(end)) for start, end in booked]
    return free_slots(
        windows,
        earliest=earliest,
        last_day=last_day,
        minutes=options.meeting_minutes,
        timezone=setting.timezone,
        busy=busy,
        open_weekdays=setting.open_weekdays,
        closed=setting.closed_days,
    )


def staff_by_name(session: Session, setting_id: int) -> dict[str, Staff]:
    """The setting's staff by name."""
    rows = session.scalars(select(Staff).where(Staff.setting_id == setting_id))
    return {member.name: member for member in rows}


def named_in(text: str, staff: dict[str, Staff]) -> str | None:
    """The member of staff a message names by full or first name ("with Jess"), if one only."""
    words = {word.strip(".,!?'’s").casefold() for word in text.split()}
    found = [
        name
        for name in staff
        if name.casefold() in text.casefold() or name.split()[0].casefold() in words
    ]
    return found[0] if len(found) == 1 else None


def upcoming(
    session: Session, setting: Setting, guardian_id: int, now: datetime
) -> tuple[MeetingView, ...]:
    """Booked meetings still to come about the guardian's children (or that they attend),
    whatever booked them, soonest first."""
    children = select(GuardianChild.child_id).where(GuardianChild.guardian_id == guardian_id)
    about = select(MeetingChild.meeting_id).where(MeetingChild.child_id.in_(children))
    attends = select(MeetingGuardian.meeting_id).where(MeetingGuardian.guardian_id == guardian_id)
    rows = session.scalars(
        select(Meeting)
        .where(
            Meeting.setting_id == setting.id,
            Meeting.status == MEETING_BOOKED,
            Meeting.start > now,
            Meeting.id.in_(about) | Meeting.id.in_(attends),
        )
        .order_by(Meeting.start)
    ).all()
    attending = set(session.scalars(attends))
    return tuple(view(session, setting, row, row.id in attending) for row in rows)


def view(session: Session, setting: Setting, row: Meeting, attending: bool = True) -> MeetingView:
    """One meeting as flows, jobs and staff commands read it (times in the setting's zone)."""
    zone = ZoneInfo(setting.timezone)
    child_ids = session.scalars(
        select(MeetingChild.child_id).where(MeetingChild.meeting_id == row.id)
    )
    staff = session.get_one(Staff, row.staff_id)
    return MeetingView(
        row.id,
        staff.name,
        aware(row.start).astimezone(zone),
        aware(row.end).astimezone(zone),
        tuple(sorted(child_ids)),
        row.mode,
        row.source,
        attending,
    )


@dataclass(frozen=True)
class Names:
    """Who a meeting is about and who attends, by name (children as the roster has them)."""

    children: list[str]
    guardians: list[str]


def names(session: Session, meeting_id: int) -> Names:
    """The meeting's children and guardians by name."""
    children = session.scalars(
        select(Child)
        .join(MeetingChild, MeetingChild.child_id == Child.id)
        .where(MeetingChild.meeting_id == meeting_id)
        .order_by(Child.id)
    )
    guardians = session.scalars(
        select(Guardian.name)
        .join(MeetingGuardian, MeetingGuardian.guardian_id == Guardian.id)
        .where(MeetingGuardian.meeting_id == meeting_id)
        .order_by(Guardian.id)
    )
    return Names([child.display_name for child in children], list(guardians))


def staff_offer(
    session: Session, setting: Setting, guardian_id: int, choice_id: str
) -> StaffOffer | None:
    """The offer a `meeting:offer:<handoff>.<slot>` choice names, when staff sent exactly that
    choice to this guardian (an outbox row of theirs) and the time is still to come."""
    sent = session.scalars(
        select(Outbox.choices).where(Outbox.guardian_id == guardian_id, Outbox.kind == OFFER_KIND)
    )
    if not any(choice.get("id") == choice_id for choices in sent for choice in choices or []):
        return None
    handoff, _, token = choice_id.removeprefix(OFFER).partition(".")
    parsed = token_minutes(token)
    staff = session.get(Staff, parsed[0]) if parsed else None
    if parsed is None or staff is None or not handoff.isdecimal():
        return None
    item = session.get(HandoffItem, int(handoff))
    start = datetime.fromtimestamp(parsed[1] * 60, UTC).astimezone(ZoneInfo(setting.timezone))
    length = timedelta(minutes=meeting_options(setting.options).meeting_minutes)
    child_id = item.child_id if item is not None else None
    return StaffOffer(int(handoff), staff.id, staff.name, child_id, start, start + length)


def lookups(session: Session, setting: Setting, guardian_id: int, now: datetime) -> Meetings:
    """The meeting flow's look-ups for one guardian's turn."""

    @cache
    def staff() -> dict[str, Staff]:
        return staff_by_name(session, setting.id)

    def free(name: str) -> tuple[Slot, ...]:
        member = staff().get(name)
        return tuple(staff_free(session, setting, member, now)) if member else ()

    def staff_id(name: str) -> int | None:
        member = staff().get(name)
        return member.id if member else None

    return Meetings(
        free=free,
        upcoming=lambda: upcoming(session, setting, guardian_id, now),
        staff_named=lambda text: named_in(text, staff()),
        offer=lambda choice_id: staff_offer(session, setting, guardian_id, choice_id),
        staff_id=staff_id,
    )
