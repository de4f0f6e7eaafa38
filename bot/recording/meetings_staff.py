"""Meeting changes from staff and the reminder job: weekly hours, a time offered to a parent,
a meeting cancelled or moved (its parents told, each in their language on their channel, with
Move / Cancel), and the day-before reminder (at most once per meeting)."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

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
from bot.jobs.effects import RemindMeeting
from bot.meetings.options import meeting_options
from bot.meetings.store import OFFER_KIND, names
from bot.meetings.views import CANCEL, MOVE, OFFER, slot_token
from bot.outbound.outbox import enqueue_to, guardian_addresses, told
from bot.recording.context import EffectContext
from bot.recording.meetings import (
    CANCELLED,
    child_ids,
    guardian_ids,
    insert_held,
    meeting_record,
)
from bot.staff.effects import OfferMeeting, SetMeetingHours, StaffCancelMeeting, StaffMoveMeeting
from bot.types import Choice, Reply

MeetingChange = (
    SetMeetingHours | OfferMeeting | StaffCancelMeeting | StaffMoveMeeting | RemindMeeting
)


def apply_meeting_change(context: EffectContext, effect: MeetingChange) -> None:
    """A staff command's or the reminder job's meeting effect, applied."""
    match effect:
        case SetMeetingHours():
            set_hours(context, effect)
        case OfferMeeting():
            offer_meeting(context, effect)
        case StaffCancelMeeting():
            staff_cancel(context, effect)
        case StaffMoveMeeting():
            staff_move(context, effect)
        case RemindMeeting():
            remind_meeting(context, effect)
        case _:
            assert_never(effect)


def set_hours(context: EffectContext, effect: SetMeetingHours) -> None:
    """The member's weekly meeting hours."""
    member = context.session.get_one(Staff, context.staff_id)
    member.meeting_hours = effect.hours
    context.audit("meeting_hours_changed", f"staff:{member.id}", {"hours": effect.hours})


def offer_meeting(context: EffectContext, effect: OfferMeeting) -> None:
    """The parent behind the request gets the time with a one-tap "Book this time"."""
    session = context.session
    item = session.get_one(HandoffItem, effect.handoff_id)
    guardian = session.get_one(Guardian, item.guardian_id)
    member = session.get_one(Staff, context.staff_id)
    language = _language(context, guardian)
    child = session.get(Child, item.child_id) if item.child_id else None
    choice_id = f"{OFFER}{item.id}.{slot_token(member.id, effect.start)}"
    values = _when(context, effect.start, language)
    text = context.catalog.text(
        "meetings.offered",
        language,
        staff=member.name,
        child=(child.known_as or child.first_name) if child else "",
        **values,
    )
    confirm = Choice(choice_id, context.catalog.text("meetings.confirm", language))
    _send(context, guardian, Reply(text, (confirm,)), OFFER_KIND)
    context.audit("meeting_offered", f"handoff:{item.id}", {"start": effect.start.isoformat()})
    reply = context.staff_text(
        "meeting_staff.offered",
        guardian=guardian.name,
        when=f"{values['day']} {values['time']}",
        ref=f"H{item.id}",
    )
    context.replies.append(Reply(reply))


def staff_cancel(context: EffectContext, effect: StaffCancelMeeting) -> None:
    """Cancelled by its member of staff; its parents are told."""
    row = context.session.get_one(Meeting, effect.meeting_id)
    row.status, row.cancelled_at = CANCELLED, utcnow()
    context.audit("meeting_cancelled", f"meeting:{row.id}")
    context.records.append(meeting_record(context, row))
    told_names = _tell_guardians(context, row, "meetings.staff_cancelled", with_actions=False)
    when = _staff_when(context, row.start)
    text = context.staff_text(
        "meeting_staff.cancelled_by_staff", id=row.id, when=when, guardians=", ".join(told_names)
    )
    context.replies.append(Reply(text))


def staff_move(context: EffectContext, effect: StaffMoveMeeting) -> None:
    """Moved by its member of staff (held like any booking); its parents are told."""
    session = context.session
    old = session.get_one(Meeting, effect.meeting_id)
    row = insert_held(
        context,
        Meeting(
            setting_id=old.setting_id,
            staff_id=old.staff_id,
            start=effect.start,
            end=effect.end,
            mode=old.mode,
            source=old.source,
            source_id=old.source_id,
            topic=old.topic,
            booked_by=f"staff:{context.staff_id}",
            moved_from_id=old.id,
            created_at=effect.at,
        ),
    )
    if row is None:
        when = _staff_when(context, effect.start)
        context.replies.append(Reply(context.staff_text("meeting_staff.slot_taken", when=when)))
        return
    session.add_all(MeetingChild(meeting_id=row.id, child_id=c) for c in child_ids(context, old.id))
    session.add_all(
        MeetingGuardian(meeting_id=row.id, guardian_id=g) for g in guardian_ids(context, old.id)
    )
    old.status, old.cancelled_at = CANCELLED, utcnow()
    session.flush()
    context.audit("meeting_moved", f"meeting:{row.id}", {"moved_from": old.id})
    context.records += [meeting_record(context, old), meeting_record(context, row)]
    told_names = _tell_guardians(context, row, "meetings.staff_moved")
    when = _staff_when(context, row.start)
    text = context.staff_text(
        "meeting_staff.moved_by_staff", id=row.id, when=when, guardians=", ".join(told_names)
    )
    context.replies.append(Reply(text))


def remind_meeting(context: EffectContext, effect: RemindMeeting) -> None:
    """The day-before reminder to its parents (Move / Cancel) and its member of staff, once: the
    row is claimed by setting `reminded_at` only where it is still unset."""
    claimed = context.session.execute(
        update(Meeting)
        .where(
            Meeting.id == effect.meeting_id,
            Meeting.reminded_at.is_(None),
            Meeting.status == MEETING_BOOKED,
        )
        .values(reminded_at=effect.at)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return  # reminded already (another run), or cancelled meanwhile
    row = context.session.get_one(Meeting, effect.meeting_id)
    context.session.refresh(row)
    # a scheduler that was down until the meeting's own day still reminds, saying "today"
    today = (
        row.start.astimezone(_zone(context)).date() == effect.at.astimezone(_zone(context)).date()
    )
    day = "reminder_today" if today else "reminder"
    guardians = _tell_guardians(context, row, f"meetings.{day}")
    who = names(context.session, row.id)
    text = context.staff_text(
        f"meeting_staff.{day}",
        ref=f"M{row.id}",
        when=_staff_when(context, row.start),
        guardians=", ".join(guardians),
        children=", ".join(who.children),
        mode=context.staff_text(f"meeting_mode.{row.mode}"),
    )
    context.alerts.to([context.session.get_one(Staff, row.staff_id)], text)


def _tell_guardians(
    context: EffectContext, row: Meeting, key: str, *, with_actions: bool = True
) -> list[str]:
    """Each of the meeting's guardians told, in their language; their names."""
    session = context.session
    member = session.get_one(Staff, row.staff_id)
    children = list(session.scalars(select(Child).where(Child.id.in_(child_ids(context, row.id)))))
    guardians = session.scalars(
        select(Guardian).where(Guardian.id.in_(guardian_ids(context, row.id))).order_by(Guardian.id)
    )
    told_names = []
    for guardian in guardians:
        language = _language(context, guardian)
        text = context.catalog.text(
            key,
            language,
            staff=member.name,
            child=", ".join(child.known_as or child.first_name for child in children),
            where=_where(context, row.mode, language),
            **_when(context, row.start, language),
        )
        actions = (
            (
                Choice(f"{MOVE}{row.id}", context.catalog.text("meetings.move", language)),
                Choice(f"{CANCEL}{row.id}", context.catalog.text("meetings.cancel", language)),
            )
            if with_actions
            else ()
        )
        _send(context, guardian, Reply(text, actions), "meeting")
        told_names.append(guardian.name)
    return told_names


def _send(context: EffectContext, guardian: Guardian, reply: Reply, kind: str) -> None:
    address = guardian_addresses(context.session, [guardian], context.reach)[guardian.id]
    enqueue_to(context.session, context.reach, address, reply, kind=kind, guardian_id=guardian.id)
    context.messages.append(told(guardian.name, reply.text, address, reply.choices))


def _language(context: EffectContext, guardian: Guardian) -> str:
    return guardian.language if guardian.language in context.catalog.languages else "en"


def _zone(context: EffectContext) -> ZoneInfo:
    return ZoneInfo(context.session.get_one(Setting, context.setting_id).timezone)


def _when(context: EffectContext, start: datetime, language: str) -> dict[str, str]:
    local = start.astimezone(_zone(context))
    return {"day": short_date(local.date(), language), "time": f"{local:%H:%M}"}


def _staff_when(context: EffectContext, start: datetime) -> str:
    values = _when(context, start, "en")
    return f"{values['day']} {values['time']}"


def _where(context: EffectContext, mode: str, language: str) -> str:
    if mode in ("phone", "video"):
        return context.catalog.text(f"meetings.where_{mode}", language)
    setting = context.session.get_one(Setting, context.setting_id)
    place = meeting_options(setting.options).place or setting.name
    return context.catalog.text("meetings.where_in_person", language, place=place)
