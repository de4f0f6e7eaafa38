"""The `urgent` job: every minute, follow up urgent broadcasts nobody has confirmed.

A family has confirmed when they tapped "Got it" (`read:<id>`) or their channel reported the
message read (a WhatsApp read status sets its outbox row to "read"). Unconfirmed after
`urgent_resend_after_minutes` (30): resent by SMS to families it reached on another channel.
Still unconfirmed after `urgent_call_after_minutes` (60): one call task to the managers listing
those families with their phone numbers. Each step happens once per family (the recipient row
records it). One query reads every open recipient: 5,000 families are decided in milliseconds.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from bot.db.models import Broadcast, BroadcastOccurrence, BroadcastRecipient, Guardian, Outbox
from bot.jobs.effects import CallAboutBroadcast, ResendUrgent
from bot.jobs.job import JobContext, JobResult

RESEND_OPTION, RESEND_DEFAULT = "urgent_resend_after_minutes", 30
CALL_OPTION, CALL_DEFAULT = "urgent_call_after_minutes", 60
FOLLOWED_FOR = timedelta(days=2)  # older urgent broadcasts are no longer followed up


def follow_up(context: JobContext) -> JobResult:
    """Resends and call tasks due now for the setting's unconfirmed urgent broadcasts."""
    options = context.setting.options
    resend_after = timedelta(minutes=float(options.get(RESEND_OPTION, RESEND_DEFAULT)))
    call_after = timedelta(minutes=float(options.get(CALL_OPTION, CALL_DEFAULT)))
    rows = context.session.execute(
        select(
            BroadcastRecipient.id,
            BroadcastRecipient.channel,
            BroadcastRecipient.resent_at,
            BroadcastOccurrence.broadcast_id,
            BroadcastOccurrence.sent_at,
            Guardian.name,
            Guardian.phone,
        )
        .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
        .join(Broadcast, Broadcast.id == BroadcastOccurrence.broadcast_id)
        .join(Guardian, Guardian.id == BroadcastRecipient.guardian_id)
        .outerjoin(Outbox, Outbox.id == BroadcastRecipient.outbox_id)
        .where(
            Broadcast.setting_id == context.setting.id,
            Broadcast.urgent.is_(True),
            BroadcastOccurrence.sent_at > context.now - FOLLOWED_FOR,
            BroadcastOccurrence.sent_at <= context.now - resend_after,
            BroadcastRecipient.confirmed_at.is_(None),
            BroadcastRecipient.escalated_at.is_(None),
            or_(Outbox.status.is_(None), Outbox.status != "read"),
        )
        .order_by(BroadcastOccurrence.broadcast_id, Guardian.name)
    ).all()
    resend: list[int] = []
    to_call: dict[int, list[tuple[int, str, str]]] = {}
    for row_id, channel, resent_at, broadcast_id, sent_at, name, phone in rows:
        if context.now - sent_at >= call_after:
            to_call.setdefault(broadcast_id, []).append((row_id, name, phone or "no phone"))
        elif resent_at is None and channel != "sms" and phone:
            resend.append(row_id)
    effects: list[ResendUrgent | CallAboutBroadcast] = []
    if resend:
        effects.append(ResendUrgent(tuple(resend), context.now))
    call_tasks = []
    for broadcast_id, families in to_call.items():
        listed = "; ".join(f"{name} {phone}" for _, name, phone in families)
        text = context.staff_text(
            "broadcasts.call_task", ref=f"B{broadcast_id}", count=len(families), families=listed
        )
        effects.append(CallAboutBroadcast(tuple(r for r, _, _ in families), text, context.now))
        call_tasks.append({"broadcast": f"B{broadcast_id}", "text": text})
    return JobResult(tuple(effects), call_tasks=call_tasks)
