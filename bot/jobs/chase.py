"""First-day absence follow-up (EYFS 3.11): ask about expected children not yet seen, then call.

Two scheduled jobs (bot/jobs/registry.py). At `absence_chase_at` every child expected today who
has neither arrived nor been reported absent gets one absence check (`RecordChase`), and each of
their guardians a question with choices (`AskChase`): the guardian's conversation moves to the
chase flow's step so the answer flows into the absence or lateness handling. At
`absence_call_task_at`, chased children with no answer, no absence and no arrival become a staff
call task listing guardians and emergency contacts (`CreateCallTask`). The jobs only decide;
bot/recording/chases.py writes. Running one twice changes nothing (one check per child and day).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import attends_on
from bot.db.models import (
    Absence,
    AbsenceChase,
    Arrival,
    ChannelIdentity,
    Child,
    EmergencyContact,
    Guardian,
    GuardianChild,
    Setting,
)
from bot.flows.chased import check_sent, question
from bot.jobs.effects import AskChase, CreateCallTask, JobEffect, RecordChase
from bot.jobs.job import JobContext, JobResult
from bot.outbound.outbox import Address
from bot.pipeline.conversation import start_flow


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
    if not setting.opens_on(day):
        return []
    children = session.scalars(
        select(Child).where(Child.setting_id == setting.id).order_by(Child.last_name, Child.id)
    )
    expected = [child for child in children if attends_on(child.attendance_days, day)]
    ids = [child.id for child in expected]
    seen = absent_ids(session, ids, day) | arrived_ids(session, ids, day)
    return [child for child in expected if child.id not in seen]


def chase_missing(context: JobContext) -> JobResult:
    """Check on every missing child not already chased today, asking each of their guardians once
    (one message for all their children, in their language)."""
    session, day = context.session, context.today
    chased = set(session.scalars(select(AbsenceChase.child_id).where(AbsenceChase.on_date == day)))
    children = [
        child for child in missing_children(session, context.setting, day) if child.id not in chased
    ]
    effects: list[JobEffect] = [RecordChase(child.id, day, context.now) for child in children]
    for guardian, theirs in _by_guardian(session, children):
        effects.append(_ask(context, guardian, theirs, day))
    return JobResult(tuple(effects), chased=[child.display_name for child in children])


def create_call_tasks(context: JobContext) -> JobResult:
    """A call task for each child chased today with no answer, no absence and no arrival."""
    session, day, now = context.session, context.today, context.now
    chases = session.scalars(
        select(AbsenceChase)
        .join(Child, Child.id == AbsenceChase.child_id)
        .where(
            Child.setting_id == context.setting.id,
            AbsenceChase.on_date == day,
            AbsenceChase.answered_at.is_(None),
            AbsenceChase.call_task_at.is_(None),
            AbsenceChase.chased_at <= now,
        )
        .order_by(AbsenceChase.id)
    )
    children = [session.get_one(Child, chase.child_id) for chase in chases]
    ids = [child.id for child in children]
    settled = absent_ids(session, ids, day) | arrived_ids(session, ids, day)
    due = [child for child in children if child.id not in settled]
    tasks = [(child, _call_task_text(context, child)) for child in due]
    return JobResult(
        tuple(CreateCallTask(child.id, day, now, text) for child, text in tasks),
        call_tasks=[{"child": child.display_name, "text": text} for child, text in tasks],
    )


def chase_conversation(
    session: Session, guardian: Guardian, address: Address, asked: AskChase
) -> None:
    """The guardian's conversation at `address` waits for their answer to today's check (only
    the chase flow's data changes: what other flows keep stays)."""
    identity = guardian_identity(session, guardian, address)
    sent = check_sent(asked.question, asked.child_ids, asked.on_date)
    start_flow(session, identity.id, sent, asked.at)


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


def _ask(context: JobContext, guardian: Guardian, children: list[Child], day: date) -> AskChase:
    catalog = context.catalog
    language = guardian.language if guardian.language in catalog.languages else "en"
    reply = question(catalog, language, [child.known_as or child.first_name for child in children])
    return AskChase(guardian.id, tuple(child.id for child in children), day, reply, context.now)


def _call_task_text(context: JobContext, child: Child) -> str:
    """The task: the child, their room, and every guardian and emergency contact to call."""
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
    return context.staff_text(
        "notify.call_task", child=child.display_name, room=room, contacts=listed
    )
