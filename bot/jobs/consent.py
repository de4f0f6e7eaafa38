"""The `consent` job: every minute, for each consent request with a deadline, one reminder to
the families who have not answered for every child, `consent_reminder_hours` (24) before the
deadline; at the deadline the organiser's list (yes / no / no answer). The same list answers
staff's `consent B3` at any time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    CONSENT,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Child,
    Consent,
)
from bot.jobs.effects import RemindConsent, ReportConsent
from bot.jobs.job import JobContext, JobResult
from bot.outbound.audience import children_in_scope

REMINDER_OPTION, REMINDER_DEFAULT = "consent_reminder_hours", 24
REPORTED_FOR = timedelta(days=2)  # requests whose deadline passed longer ago are done


def consent_follow_up(context: JobContext) -> JobResult:
    """Reminders and deadline lists due now."""
    lead = timedelta(hours=float(context.setting.options.get(REMINDER_OPTION, REMINDER_DEFAULT)))
    rows = context.session.scalars(
        select(Broadcast).where(
            Broadcast.setting_id == context.setting.id,
            Broadcast.kind == CONSENT,
            Broadcast.deadline.is_not(None),
            Broadcast.deadline > context.now - REPORTED_FOR,
            Broadcast.deadline <= context.now + lead,
        )
    )
    effects: list[RemindConsent | ReportConsent] = []
    for row in rows:
        assert row.deadline is not None
        if row.deadline <= context.now:
            if not _reported(context.session, row.id):
                text = answers_text(context.session, row, context.staff_text)
                effects.append(ReportConsent(row.id, text, context.now))
            continue
        waiting = _unanswered(context.session, row)
        if waiting:
            effects.append(RemindConsent(row.id, tuple(waiting), context.now))
    return JobResult(tuple(effects))


def _reported(session: Session, broadcast_id: int) -> bool:
    found = session.scalar(
        select(BroadcastOccurrence.id).where(
            BroadcastOccurrence.broadcast_id == broadcast_id, BroadcastOccurrence.slot == "deadline"
        )
    )
    return found is not None


def _unanswered(session: Session, row: Broadcast) -> list[int]:
    """Recipient rows not yet reminded whose family has a child in scope with no answer."""
    answered = set(session.scalars(select(Consent.child_id).where(Consent.broadcast_id == row.id)))
    recipients = session.scalars(
        select(BroadcastRecipient)
        .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
        .where(BroadcastOccurrence.broadcast_id == row.id, BroadcastRecipient.reminded_at.is_(None))
        .order_by(BroadcastRecipient.id)
    )
    return [
        r.id
        for r in recipients
        if any(c.id not in answered for c in children_in_scope(session, row, r.guardian_id))
    ]


def answers_text(session: Session, row: Broadcast, say: Callable[..., str]) -> str:
    """Yes / no / no answer per child asked, for the organiser; a "no" that withdrew an
    earlier answer says so."""
    consents = session.scalars(select(Consent).where(Consent.broadcast_id == row.id))
    answers = {consent.child_id: consent for consent in consents}
    guardians = session.scalars(
        select(BroadcastRecipient.guardian_id)
        .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
        .where(BroadcastOccurrence.broadcast_id == row.id)
    )
    children: dict[int, Child] = {}
    for guardian_id in guardians:
        children |= {c.id: c for c in children_in_scope(session, row, guardian_id)}
    by: dict[str, list[str]] = {"yes": [], "no": [], "none": []}
    for child in sorted(children.values(), key=lambda c: c.display_name):
        consent = answers.get(child.id)
        withdrawn = consent is not None and consent.withdrawn_at is not None
        name = f"{child.display_name} (withdrawn)" if withdrawn else child.display_name
        by[consent.answer if consent else "none"].append(name)
    listed = {key: ", ".join(names) or "-" for key, names in by.items()}
    return say(
        "broadcasts.consent_answers",
        ref=f"B{row.id}",
        text=row.text[:60],
        yes=listed["yes"],
        no=listed["no"],
        none=listed["none"],
    )
