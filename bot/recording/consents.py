"""Consent requests' effects: the Yes / No offered per child, answers recorded, the one reminder
and the organiser's list at the deadline (claimed once, as an occurrence "deadline")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    CONSENT,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Child,
    Consent,
    Guardian,
    Outbox,
    Staff,
)
from bot.db.session import insert_unless_present
from bot.flows.consent import PREFIX
from bot.flows.effects import RecordConsent, WithdrawConsent
from bot.flows.turn import ConsentAsked
from bot.jobs.effects import RemindConsent, ReportConsent
from bot.outbound.audience import children_in_scope
from bot.outbound.outbox import Address, enqueue_to, told
from bot.recording.context import EffectContext
from bot.types import Choice, Reply

REPORT_SLOT = "deadline"  # the occurrence that claims the organiser's list


def consent_choices(
    context: EffectContext, row: Broadcast, guardian: Guardian, language: str
) -> tuple[Choice, ...]:
    """Yes / No for each of the family's children in scope, in their language."""
    catalog = context.catalog
    choices = []
    for child in children_in_scope(context.session, row, guardian.id):
        name = child.known_as or child.first_name
        for said in ("yes", "no"):
            label = catalog.text(f"consent.{said}", language, child=name)
            choices.append(Choice(f"{PREFIX}{row.id}:{child.id}:{said}", label))
    return tuple(choices)


def consent_asked(session: Session, guardian_id: int, broadcast_id: int, child_id: int) -> bool:
    """Whether consent request `broadcast_id` went to the guardian and asked about the child."""
    row = session.get(Broadcast, broadcast_id)
    if row is None or row.kind != CONSENT:
        return False
    went = session.scalar(
        select(BroadcastRecipient.id)
        .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
        .where(
            BroadcastOccurrence.broadcast_id == broadcast_id,
            BroadcastRecipient.guardian_id == guardian_id,
        )
        .limit(1)
    )
    in_scope = {child.id for child in children_in_scope(session, row, guardian_id)}
    return went is not None and child_id in in_scope


def consent_requests(session: Session, guardian_id: int) -> tuple[ConsentAsked, ...]:
    """The consent requests that went to the guardian, with their children each asked about."""
    ids = session.scalars(
        select(BroadcastOccurrence.broadcast_id)
        .join(BroadcastRecipient, BroadcastRecipient.occurrence_id == BroadcastOccurrence.id)
        .join(Broadcast, Broadcast.id == BroadcastOccurrence.broadcast_id)
        .where(BroadcastRecipient.guardian_id == guardian_id, Broadcast.kind == CONSENT)
        .distinct()
    )
    rows = [session.get_one(Broadcast, broadcast_id) for broadcast_id in sorted(set(ids))]
    return tuple(
        ConsentAsked(
            row.id, row.text, tuple(c.id for c in children_in_scope(session, row, guardian_id))
        )
        for row in rows
    )


def _answer(
    context: EffectContext,
    broadcast_id: int,
    child_id: int,
    answer: str,
    at: datetime,
    withdrawn: bool = False,
) -> Child:
    """The family's answer for the child (the latest stands); a withdrawal is "no" with its
    time in `withdrawn_at`, which a later answer clears."""
    session, guardian = context.session, context.guardian
    assert guardian is not None
    existing = session.scalar(
        select(Consent).where(Consent.broadcast_id == broadcast_id, Consent.child_id == child_id)
    )
    if existing is None:
        existing = Consent(broadcast_id=broadcast_id, child_id=child_id)
        session.add(existing)
    existing.guardian_id, existing.answer, existing.answered_at = guardian.id, answer, at
    existing.withdrawn_at = at if withdrawn else None
    return session.get_one(Child, child_id)


def withdraw_consent(context: EffectContext, effect: WithdrawConsent) -> None:
    """ "No" for each child, withdrawn at the effect's time, a `consent` record "withdrawn", and
    the children's key persons and the request's organiser (else the managers) told."""
    guardian = context.guardian
    assert guardian is not None
    children = [
        _answer(context, effect.broadcast_id, child_id, "no", effect.at, withdrawn=True)
        for child_id in effect.child_ids
    ]
    for child in children:
        context.audit("consent_withdrawn", f"child:{child.id}", {"request": effect.broadcast_id})
    names = [child.display_name for child in children]
    row = context.session.get_one(Broadcast, effect.broadcast_id)
    context.records.append(
        {
            "type": "consent",
            "children": names,
            "answer": "withdrawn",
            "request": f"B{row.id}",
            "by": guardian.name,
        }
    )
    organiser = context.session.get(Staff, row.staff_id) if row.staff_id else None
    staff = [child.key_person for child in children if child.key_person]
    staff += [organiser] if organiser else context.alerts.managers()
    text = context.staff_text(
        "consent_withdrawal.notify",
        guardian=guardian.name,
        ref=f"B{row.id}",
        text=row.text,
        children=", ".join(names),
        words=effect.text,
    )
    context.alerts.to(list({member.id: member for member in staff}.values()), text)


def record_consent(context: EffectContext, effect: RecordConsent) -> None:
    """The answer for the child (the latest stands), and a `consent` record."""
    guardian = context.guardian
    assert guardian is not None
    child = _answer(context, effect.broadcast_id, effect.child_id, effect.answer, effect.at)
    context.audit("consent_given", f"child:{child.id}", {"answer": effect.answer})
    context.records.append(
        {
            "type": "consent",
            "children": [child.display_name],
            "answer": effect.answer,
            "request": f"B{effect.broadcast_id}",
            "by": guardian.name,
        }
    )


def remind_consent(context: EffectContext, effect: RemindConsent) -> None:
    """The request once more, with its choices, to each family still to answer; once each."""
    session = context.session
    for row in session.scalars(
        select(BroadcastRecipient).where(BroadcastRecipient.id.in_(effect.recipient_ids))
    ):
        first = session.get(Outbox, row.outbox_id) if row.outbox_id else None
        if row.reminded_at is not None or first is None:
            continue
        row.reminded_at = effect.at
        guardian = session.get_one(Guardian, row.guardian_id)
        language = guardian.language if guardian.language in context.catalog.languages else "en"
        text = f"{context.catalog.text('consent.reminder', language)}\n\n{first.text}"
        choices = tuple(Choice(str(c["id"]), str(c["label"])) for c in first.choices)
        address = Address(first.channel, first.recipient_id)
        reply = Reply(text, choices)
        enqueue_to(session, context.reach, address, reply, kind="consent", guardian_id=guardian.id)
        context.messages.append(told(guardian.name, text, address, choices))
        context.broadcasts.append(f"B{effect.broadcast_id} reminded {guardian.name}")


def report_consent(context: EffectContext, effect: ReportConsent) -> None:
    """The organiser (else the managers) gets the answers at the deadline, once."""
    claimed = insert_unless_present(
        context.session,
        BroadcastOccurrence,
        broadcast_id=effect.broadcast_id,
        slot=REPORT_SLOT,
        sent_at=effect.at,
        queued=0,
        skipped=None,
    )
    if claimed is None:
        return
    row = context.session.get_one(Broadcast, effect.broadcast_id)
    organiser = context.session.get(Staff, row.staff_id) if row.staff_id else None
    alerts = context.alerts
    alerts.to([organiser] if organiser else alerts.managers(), effect.text)
    to = organiser.name if organiser else "the managers"
    context.broadcasts.append(f"B{row.id} answers sent to {to}")
