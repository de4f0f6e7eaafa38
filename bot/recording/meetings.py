"""Meetings: book (held by the database's unique index on a staff member's booked start, inside
a SAVEPOINT so a time taken meanwhile leaves the turn's transaction whole), move, cancel, join;
staff told on their own channel, parents told when staff cancel or move; simulate's records."""

from __future__ import annotations

import secrets
from typing import Any, assert_never
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import (
    MEETING_BOOKED,
    Child,
    Guardian,
    HandoffItem,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    Setting,
    Staff,
    utcnow,
)
from bot.flows.dates import short_date
from bot.flows.effects import BookMeeting, CancelMeeting, JoinMeeting
from bot.meetings.ics import link
from bot.recording.context import EffectContext, children_of, guardian_of
from bot.types import Reply

CANCELLED = "cancelled"


def apply_meeting(
    context: EffectContext, effect: BookMeeting | CancelMeeting | JoinMeeting
) -> None:
    """A guardian's meeting effect, applied."""
    match effect:
        case BookMeeting():
            book_meeting(context, effect)
        case CancelMeeting():
            cancel_meeting(context, effect)
        case JoinMeeting():
            join_meeting(context, effect)
        case _:
            assert_never(effect)


def book_meeting(context: EffectContext, effect: BookMeeting) -> None:
    """Book it (or, moving, book the new time and cancel the old); a time taken meanwhile
    books nothing and is noted (`context.taken`), so the flow offers fresh times."""
    guardian = guardian_of(context)
    children = children_of(context, effect.child_ids)
    old = _attended(context, effect.move_from) if effect.move_from else None
    if effect.move_from and old is None:
        raise PermissionError(f"{context.actor} may not move meeting {effect.move_from}")
    row = _insert(context, effect, guardian, old)
    if row is None:
        context.taken = True
        return
    session = context.session
    session.add_all(MeetingChild(meeting_id=row.id, child_id=child.id) for child in children)
    attending = {guardian.id, *(guardian_ids(context, old.id) if old else ())}
    session.add_all(MeetingGuardian(meeting_id=row.id, guardian_id=gid) for gid in attending)
    if old is not None:
        old.status, old.cancelled_at = CANCELLED, utcnow()
        context.records.append(meeting_record(context, old))
    if effect.handoff_id is not None:
        _close_request(context, effect.handoff_id, guardian.id)
    session.flush()
    context.audit("meeting_booked", f"meeting:{row.id}", {"moved_from": row.moved_from_id})
    context.records.append(meeting_record(context, row))
    key = "meeting_staff.moved" if old else "meeting_staff.booked"
    _tell_staff(context, row, key, guardian.name, old)
    context.booked.append(row.id)
    address = link(row.ics_token)
    if address:
        language = guardian.language if guardian.language in context.catalog.languages else "en"
        context.replies.append(
            Reply(context.catalog.text("meetings.calendar", language, link=address))
        )


def _insert(
    context: EffectContext, effect: BookMeeting, guardian: Guardian, old: Meeting | None
) -> Meeting | None:
    """The guardian's booking, or None when the staff member's time is taken."""
    row = Meeting(
        setting_id=context.setting_id,
        staff_id=effect.staff_id,
        start=effect.start,
        end=effect.end,
        mode=effect.mode,
        source=old.source if old else "key_person",
        source_id=old.source_id if old else None,
        topic=effect.topic,
        booked_by=f"guardian:{guardian.id}",
        moved_from_id=old.id if old else None,
        created_at=effect.at or utcnow(),
    )
    return insert_held(context, row)


def insert_held(context: EffectContext, row: Meeting) -> Meeting | None:
    """Insert a booked meeting inside a SAVEPOINT: None, with the turn's transaction intact,
    when the unique index on the staff member's booked start refuses it (taken meanwhile)."""
    row.status, row.ics_token = MEETING_BOOKED, secrets.token_urlsafe(24)
    try:
        with context.session.begin_nested():
            context.session.add(row)
            context.session.flush()
    except IntegrityError:
        return None
    return row


def cancel_meeting(context: EffectContext, effect: CancelMeeting) -> None:
    """Cancel a booked meeting the sender attends; its member of staff is told."""
    guardian = guardian_of(context)
    row = _attended(context, effect.meeting_id)
    if row is None:
        raise PermissionError(f"{context.actor} may not cancel meeting {effect.meeting_id}")
    row.status, row.cancelled_at = CANCELLED, utcnow()
    context.audit("meeting_cancelled", f"meeting:{row.id}")
    context.records.append(meeting_record(context, row))
    _tell_staff(context, row, "meeting_staff.cancelled", guardian.name)


def join_meeting(context: EffectContext, effect: JoinMeeting) -> None:
    """The sender attends a booked meeting about one of their children."""
    guardian = guardian_of(context)
    row = context.session.get(Meeting, effect.meeting_id)
    own = {child.id for child in guardian.children}
    if row is None or row.status != MEETING_BOOKED or not own & set(child_ids(context, row.id)):
        raise PermissionError(f"{context.actor} may not join meeting {effect.meeting_id}")
    if guardian.id not in guardian_ids(context, row.id):
        context.session.add(MeetingGuardian(meeting_id=row.id, guardian_id=guardian.id))
    context.audit("meeting_joined", f"meeting:{row.id}")
    context.records.append(meeting_record(context, row))
    _tell_staff(context, row, "meeting_staff.joined", guardian.name)


def _attended(context: EffectContext, meeting_id: int | None) -> Meeting | None:
    """A booked meeting of this setting the sender attends, else None."""
    row = context.session.get(Meeting, meeting_id) if meeting_id else None
    if row is None or row.status != MEETING_BOOKED or row.setting_id != context.setting_id:
        return None
    return row if context.guardian_id in guardian_ids(context, row.id) else None


def guardian_ids(context: EffectContext, meeting_id: int) -> list[int]:
    query = select(MeetingGuardian.guardian_id).where(MeetingGuardian.meeting_id == meeting_id)
    return list(context.session.scalars(query))


def child_ids(context: EffectContext, meeting_id: int) -> list[int]:
    query = select(MeetingChild.child_id).where(MeetingChild.meeting_id == meeting_id)
    return list(context.session.scalars(query))


def _close_request(context: EffectContext, handoff_id: int, guardian_id: int) -> None:
    item = context.session.get(HandoffItem, handoff_id)
    if item is not None and item.guardian_id == guardian_id:
        item.status = "closed"


def meeting_record(context: EffectContext, row: Meeting) -> dict[str, Any]:
    """One `records` entry for simulate: the meeting as it now stands."""
    session = context.session
    zone = ZoneInfo(session.get_one(Setting, row.setting_id).timezone)
    children = session.scalars(
        select(Child).where(Child.id.in_(child_ids(context, row.id))).order_by(Child.id)
    )
    return {
        "type": "meeting",
        "children": [child.display_name for child in children],
        "staff": session.get_one(Staff, row.staff_id).name,
        "start": row.start.astimezone(zone).isoformat(),
        "end": row.end.astimezone(zone).isoformat(),
        "status": row.status,
        "mode": row.mode,
        "ref": f"M{row.id}",
    }


def staff_when(context: EffectContext, row: Meeting) -> str:
    """ "Tue 24 Nov 16:00", in the setting's time, as staff read it."""
    zone = ZoneInfo(context.session.get_one(Setting, row.setting_id).timezone)
    start = row.start.astimezone(zone)
    return f"{short_date(start.date(), 'en')} {start:%H:%M}"


def _tell_staff(
    context: EffectContext, row: Meeting, key: str, guardian: str, old: Meeting | None = None
) -> None:
    session = context.session
    children = session.scalars(select(Child).where(Child.id.in_(child_ids(context, row.id))))
    text = context.staff_text(
        key,
        guardian=guardian,
        children=", ".join(child.display_name for child in children),
        when=staff_when(context, row),
        old=staff_when(context, old) if old else "",
        mode=context.staff_text(f"meeting_mode.{row.mode}"),
        ref=f"M{row.id}",
    )
    context.alerts.to([session.get_one(Staff, row.staff_id)], text)
