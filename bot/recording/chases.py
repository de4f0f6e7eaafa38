"""Scheduled jobs' effects: the first-day absence checks, the questions to guardians, call tasks.

The jobs (bot/jobs/chase.py) decided them; here they are written in the job's transaction, with
the system as the audit log's actor."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AbsenceChase, Child, Guardian, HandoffItem
from bot.jobs.chase import chase_conversation
from bot.jobs.effects import AskChase, CreateCallTask, RecordChase
from bot.outbound.outbox import enqueue_to, guardian_addresses, told
from bot.recording.context import EffectContext


def record_chase(context: EffectContext, effect: RecordChase) -> None:
    """Today's absence check for the child."""
    chase = AbsenceChase(child_id=effect.child_id, on_date=effect.on_date, chased_at=effect.at)
    context.session.add(chase)
    context.audit("absence_chased", f"child:{effect.child_id}")


def ask_chase(context: EffectContext, effect: AskChase) -> None:
    """The question, on the best channel that reaches the guardian (an undeliverable row when
    none does); their conversation there then waits for the answer."""
    session = context.session
    guardian = session.get_one(Guardian, effect.guardian_id)
    address = guardian_addresses(session, [guardian], context.reach)[guardian.id]
    enqueue_to(
        session, context.reach, address, effect.question, kind="chase", guardian_id=guardian.id
    )
    context.messages.append(told(guardian.name, effect.question.text, address))
    if not address.problem:
        chase_conversation(session, guardian, address, effect)


def create_call_task(context: EffectContext, effect: CreateCallTask) -> None:
    """The call task as an open handoff for the child's key person, who is alerted with the
    managers; the day's check notes when it was made."""
    session = context.session
    chase = session.scalars(
        select(AbsenceChase).where(
            AbsenceChase.child_id == effect.child_id, AbsenceChase.on_date == effect.on_date
        )
    ).one()
    chase.call_task_at = effect.at
    child = session.get_one(Child, effect.child_id)
    item = HandoffItem(
        setting_id=context.setting_id,
        kind="call_task",
        child_id=child.id,
        assigned_staff_id=child.key_person_id,
        text=effect.text,
        language="en",
    )
    session.add(item)
    session.flush()
    context.audit("call_task_created", f"handoff:{item.id}")
    context.alerts.to_key_person_and_managers(child, effect.text)
