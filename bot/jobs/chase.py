"""First-day absence follow-up (EYFS 3.11): ask about expected children not yet seen, then call.

Two scheduled jobs. At `absence_chase_at` every child expected today who has neither arrived nor
been reported absent gets one AbsenceChase row, and each of their guardians a message with
choices; the guardian's conversation moves to the chase flow's step so the answer flows into the
absence or lateness handling. At `absence_call_task_at`, chased children with no answer, no
absence and no arrival become a staff call task listing guardians and emergency contacts.
Jobs only write records and outbox rows; running one twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.content import content_dir
from bot.db.models import (
    Absence,
    AbsenceChase,
    Arrival,
    ChannelIdentity,
    Child,
    EmergencyContact,
    Guardian,
    GuardianChild,
    HandoffItem,
    Setting,
)
from bot.flows.chased import check_sent, question
from bot.i18n.catalog import Catalog
from bot.outbound.outbox import EVERY_CHANNEL, Address, Reach, enqueue_to, guardian_addresses, told
from bot.pipeline.conversation import start_flow
from bot.recording import EffectContext

JOB_OPTIONS = {"chase": "absence_chase_at", "call_tasks": "absence_call_task_at"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class JobReport:
    """What a scheduled job did, for the scheduler log and simulate's tick line."""

    chased: list[str] = field(default_factory=list)
    call_tasks: list[dict[str, str]] = field(default_factory=list)
    staff_notifications: list[dict[str, str]] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)


def job_times(options: dict[str, Any]) -> dict[str, time]:
    """The configured local times of the chase jobs ("HH:MM" options); unset jobs are left out."""
    return {
        job: time.fromisoformat(str(options[key]))
        for job, key in JOB_OPTIONS.items()
        if options.get(key)
    }


def due_jobs(setting: Setting, now: datetime, since: datetime | None = None) -> list[str]:
    """Jobs whose configured time today falls in (since, now], in order; on open days only."""
    local = now.astimezone(ZoneInfo(setting.timezone))
    if not open_on(setting, local.date()):
        return []
    due = []
    for job, at in job_times(setting.options).items():
        moment = datetime.combine(local.date(), at, local.tzinfo)
        if moment <= local and (since is None or moment > since):
            due.append(job)
    return due


def local_day(setting: Setting, now: datetime) -> date:
    """The calendar day in the setting's timezone."""
    return now.astimezone(ZoneInfo(setting.timezone)).date()


def open_on(setting: Setting, day: date) -> bool:
    """Whether the setting opens on `day` (weekdays when no opening hours are given)."""
    open_days = set(setting.opening_hours) or set(WEEKDAYS[:5])
    return WEEKDAYS[day.weekday()] in open_days and day.isoformat() not in setting.closed_dates


def expected_on(child: Child, day: date) -> bool:
    """Whether the child normally attends on this weekday (all weekdays when none are given)."""
    return WEEKDAYS[day.weekday()] in (child.attendance_days or WEEKDAYS[:5])


def absent_ids(session: Session, child_ids: list[int], day: date) -> set[int]:
    """Children with an active absence covering `day`."""
    query = select(Absence.child_id).where(
        Absence.child_id.in_(child_ids),
        Absence.status == "active",
        Absence.start <= day,
        Absence.end >= day,
    )
    return set(session.scalars(query))


def arrived_ids(session: Session, child_ids: list[int], day: date) -> set[int]:
    """Children marked in on `day`."""
    query = select(Arrival.child_id).where(Arrival.child_id.in_(child_ids), Arrival.on_date == day)
    return set(session.scalars(query))


def missing_children(session: Session, setting: Setting, day: date) -> list[Child]:
    """Children expected on an open day who have neither arrived nor been reported absent."""
    if not open_on(setting, day):
        return []
    children = session.scalars(
        select(Child).where(Child.setting_id == setting.id).order_by(Child.last_name, Child.id)
    )
    expected = [child for child in children if expected_on(child, day)]
    ids = [child.id for child in expected]
    seen = absent_ids(session, ids, day) | arrived_ids(session, ids, day)
    return [child for child in expected if child.id not in seen]


def chase_missing(
    session: Session,
    setting_id: int,
    now: datetime,
    catalog: Catalog | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> JobReport:
    """Ask the guardians of every missing child not already chased today; one message each, on
    the best channel `reach` offers (an undeliverable row when none reaches them)."""
    catalog = catalog or Catalog.load()
    setting = session.get_one(Setting, setting_id)
    day = local_day(setting, now)
    chased = set(session.scalars(select(AbsenceChase.child_id).where(AbsenceChase.on_date == day)))
    children = [
        child for child in missing_children(session, setting, day) if child.id not in chased
    ]
    report = JobReport(chased=[child.display_name for child in children])
    for child in children:
        session.add(AbsenceChase(child_id=child.id, on_date=day, chased_at=now))
        audit(session, "system", "absence_chased", f"child:{child.id}")
    for guardian, theirs in _by_guardian(session, children):
        _ask(session, catalog, reach, guardian, theirs, day, now, report)
    session.flush()
    return report


def create_call_tasks(
    session: Session,
    setting_id: int,
    now: datetime,
    staff_catalog: Catalog | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> JobReport:
    """A call task for each child chased today with no answer, no absence and no arrival."""
    setting = session.get_one(Setting, setting_id)
    day = local_day(setting, now)
    chases = list(
        session.scalars(
            select(AbsenceChase)
            .join(Child, Child.id == AbsenceChase.child_id)
            .where(
                Child.setting_id == setting_id,
                AbsenceChase.on_date == day,
                AbsenceChase.answered_at.is_(None),
                AbsenceChase.call_task_at.is_(None),
                AbsenceChase.chased_at <= now,
            )
            .order_by(AbsenceChase.id)
        )
    )
    ids = [chase.child_id for chase in chases]
    settled = absent_ids(session, ids, day) | arrived_ids(session, ids, day)
    catalog = staff_catalog or Catalog.load(content_dir() / "staff")
    context = EffectContext(
        session,
        setting_id,
        None,
        catalog,
        quote=lambda words: words,
        english=lambda _words: None,
        inbound_id=None,
        reach=reach,
    )
    report = JobReport()
    for chase in chases:
        if chase.child_id not in settled:
            chase.call_task_at = now
            report.call_tasks.append(_call_task(context, session.get_one(Child, chase.child_id)))
    report.staff_notifications = context.outcome.staff_notifications
    session.flush()
    return report


def guardian_identity(session: Session, guardian: Guardian, address: Address) -> ChannelIdentity:
    """The channel identity at a guardian's address (made for their phone when they have not
    written from it yet), whose conversation will read their answer."""
    identity = session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == address.channel,
            ChannelIdentity.external_id == address.recipient_id,
        )
    )
    if identity is None:
        identity = ChannelIdentity(
            channel=address.channel, external_id=address.recipient_id, guardian_id=guardian.id
        )
        session.add(identity)
        session.flush()
    return identity


def _by_guardian(session: Session, children: list[Child]) -> list[tuple[Guardian, list[Child]]]:
    by_id = {child.id: child for child in children}
    rows = session.execute(
        select(Guardian, GuardianChild.child_id)
        .join(GuardianChild, GuardianChild.guardian_id == Guardian.id)
        .where(GuardianChild.child_id.in_(list(by_id)))
        .order_by(Guardian.id, GuardianChild.child_id)
    ).all()
    grouped: dict[int, tuple[Guardian, list[Child]]] = {}
    for guardian, child_id in rows:
        grouped.setdefault(guardian.id, (guardian, []))[1].append(by_id[child_id])
    return list(grouped.values())


def _ask(
    session: Session,
    catalog: Catalog,
    reach: Reach,
    guardian: Guardian,
    children: list[Child],
    day: date,
    now: datetime,
    report: JobReport,
) -> None:
    language = guardian.language if guardian.language in catalog.languages else "en"
    reply = question(catalog, language, [child.known_as or child.first_name for child in children])
    address = guardian_addresses(session, [guardian], reach)[guardian.id]
    enqueue_to(session, reach, address, reply, kind="chase", guardian_id=guardian.id)
    report.messages.append(told(guardian.name, reply.text, address))
    if address.problem:
        return
    identity = guardian_identity(session, guardian, address)
    asked = check_sent(reply, tuple(child.id for child in children), day)
    start_flow(session, identity.id, asked, now)


def _call_task(context: EffectContext, child: Child) -> dict[str, str]:
    session = context.session
    guardians = session.scalars(
        select(Guardian)
        .join(GuardianChild, GuardianChild.guardian_id == Guardian.id)
        .where(GuardianChild.child_id == child.id)
        .order_by(Guardian.id)
    )
    contacts = session.scalars(
        select(EmergencyContact)
        .where(EmergencyContact.child_id == child.id)
        .order_by(EmergencyContact.id)
    )
    people = [(g.name, g.relationship_to_child, g.phone) for g in guardians] + [
        (c.name, c.relationship_to_child, c.phone) for c in contacts
    ]
    listed = "; ".join(
        context.staff_text(
            "notify.call_contact", name=name, relationship=rel or "contact", phone=phone
        )
        for name, rel, phone in people
    )
    room = child.room.name if child.room else "no room"
    text = context.staff_text(
        "notify.call_task", child=child.display_name, room=room, contacts=listed
    )
    assignee = child.key_person_id
    item = HandoffItem(
        setting_id=context.setting_id,
        kind="call_task",
        child_id=child.id,
        assigned_staff_id=assignee,
        text=text,
        language="en",
    )
    session.add(item)
    session.flush()
    audit(session, "system", "call_task_created", f"handoff:{item.id}")
    context.alerts.to_key_person_and_managers(child, text)
    return {"child": child.display_name, "text": text}
