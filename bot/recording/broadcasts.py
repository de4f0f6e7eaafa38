"""Broadcasts' effects: drafts, confirming, cancelling, and sending one occurrence.

Sending claims the occurrence first (a unique (broadcast, slot) row, inserted or found taken), so
a confirm, the `broadcasts` job, a restarted or a second scheduler send it once between them. A
broadcast cancelled meanwhile sends nothing. An urgent one asks each family for "Got it"
(`read:B<id>`) and keeps a row per family for the follow-up."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    CANCELLED,
    CONSENT,
    DRAFT,
    QUESTIONNAIRE,
    SCHEDULED,
    SENT,
    Broadcast,
    BroadcastOccurrence,
    BroadcastRecipient,
    Guardian,
    Outbox,
    utcnow,
)
from bot.db.session import insert_unless_present
from bot.flows.effects import ConfirmRead
from bot.jobs.effects import CallAboutBroadcast, DeliverBroadcast, ResendUrgent
from bot.outbound.broadcast import BroadcastRefused, announce_to, describe
from bot.outbound.outbox import Address, enqueue_to, told
from bot.recording.consents import consent_choices
from bot.recording.context import EffectContext
from bot.recording.questionnaires import make_poll, questionnaire_choices, record_asked
from bot.staff.effects import CancelBroadcast, ConfirmDraft, SaveDraft
from bot.types import Choice, Reply

GOT_IT_KEY = "broadcasts.got_it"  # the parents' "Got it" label
READ_PREFIX = "read:"  # read:<broadcast id>, an urgent broadcast's "Got it"


def save_draft(context: EffectContext, effect: SaveDraft) -> None:
    """Keep the preview as the member of staff's draft; an earlier draft of theirs is dropped."""
    context.session.execute(
        update(Broadcast)
        .where(Broadcast.staff_id == context.staff_id, Broadcast.status == DRAFT)
        .values(status=CANCELLED)
    )
    row = Broadcast(
        setting_id=context.setting_id,
        staff_id=context.staff_id,
        kind=effect.kind,
        text=effect.text,
        rooms=list(effect.rooms),
        urgent=effect.urgent,
        send_at=effect.send_at,
        repeat_weekdays=list(effect.repeat_weekdays),
        repeat_at=effect.repeat_at,
        deadline=effect.deadline,
        texts={language: [text, translated] for language, text, translated in effect.texts},
        status=DRAFT,
    )
    context.session.add(row)
    context.session.flush()
    if effect.kind == QUESTIONNAIRE:
        make_poll(context, row, effect.options, dict(effect.option_labels))


def confirm_draft(context: EffectContext, effect: ConfirmDraft) -> None:
    """The draft is scheduled; sent at once when it is due now. The reply says which."""
    row = context.session.get_one(Broadcast, effect.broadcast_id)
    row.status, row.next_at = SCHEDULED, effect.next_at
    context.audit("broadcast_scheduled", f"broadcast:{row.id}", {"at": effect.next_at.isoformat()})
    context.replies.append(Reply(effect.reply))
    if effect.send_now:
        deliver(context, DeliverBroadcast(row.id, effect.next_at, None, effect.next_at))


def cancel_broadcast(context: EffectContext, effect: CancelBroadcast) -> None:
    """Nothing more of it goes (a draft dropped, or a scheduled one cancelled)."""
    row = context.session.get_one(Broadcast, effect.broadcast_id)
    if row.status in (DRAFT, SCHEDULED):
        row.status, row.next_at = CANCELLED, None
        row.cancelled_at = utcnow()
        context.audit("broadcast_cancelled", f"broadcast:{row.id}")


def deliver(context: EffectContext, effect: DeliverBroadcast) -> None:
    """Claim the occurrence and, when this run is the one that claimed it, send it."""
    session = context.session
    row = session.get_one(Broadcast, effect.broadcast_id)
    if row.status != SCHEDULED:
        return  # cancelled (or finished) meanwhile
    claimed = insert_unless_present(
        session,
        BroadcastOccurrence,
        broadcast_id=row.id,
        slot=effect.slot.isoformat(),
        sent_at=effect.at,
        queued=0,
        skipped=effect.skipped,
    )
    if claimed is None:
        return  # another run sent it
    row.next_at = effect.next_at
    row.status = SCHEDULED if effect.next_at is not None else SENT
    if effect.skipped:
        context.broadcasts.append(f"B{row.id} skipped ({effect.skipped})")
        return
    _send(context, row, claimed)


def _send(context: EffectContext, row: Broadcast, occurrence_id: int) -> None:
    catalog = context.catalog

    def got_it(guardian: Guardian, language: str) -> tuple[Choice, ...]:
        if row.kind == CONSENT:
            return consent_choices(context, row, guardian, language)
        if row.kind == QUESTIONNAIRE:
            return questionnaire_choices(context, row, language)
        if not row.urgent:
            return ()
        return (Choice(f"{READ_PREFIX}{row.id}", catalog.text(GOT_IT_KEY, language)),)

    try:
        report = announce_to(
            context.session,
            context.setting_id,
            row.text,
            context.translator,
            actor=context.actor,
            say=context.staff_text,
            rooms=tuple(row.rooms),
            catalog=catalog,
            reach=context.reach,
            choices=got_it,
            made={language: (str(v[0]), bool(v[1])) for language, v in row.texts.items()},
        )
    except (LookupError, BroadcastRefused) as problem:
        context.broadcasts.append(f"B{row.id} not sent: {problem}")
        context.replies.append(Reply(str(problem)))
        return
    context.session.get_one(BroadcastOccurrence, occurrence_id).queued = report.queued
    context.session.add_all(  # each family it went to, for its status and urgent follow-up
        BroadcastRecipient(
            occurrence_id=occurrence_id, guardian_id=g, outbox_id=outbox_id, channel=channel
        )
        for g, (outbox_id, channel) in report.sent.items()
    )
    if row.kind == QUESTIONNAIRE:
        record_asked(context, row, report.sent)
    context.messages.extend(report.told)
    context.broadcasts.append(f"B{row.id} sent to {report.queued} guardian(s)")
    context.replies.append(Reply(describe(context.session, report, context.staff_text)))


def _recipients(session: Session, guardian_id: int, broadcast_id: int) -> list[BroadcastRecipient]:
    """The guardian's rows for every occurrence of the broadcast."""
    return list(
        session.scalars(
            select(BroadcastRecipient)
            .join(BroadcastOccurrence, BroadcastOccurrence.id == BroadcastRecipient.occurrence_id)
            .where(
                BroadcastOccurrence.broadcast_id == broadcast_id,
                BroadcastRecipient.guardian_id == guardian_id,
            )
            .order_by(BroadcastRecipient.id)
        )
    )


def broadcast_sent_to(session: Session, guardian_id: int, broadcast_id: int) -> bool:
    """Whether broadcast `broadcast_id` went to this guardian (their "Got it" is theirs)."""
    return bool(_recipients(session, guardian_id, broadcast_id))


def confirm_read(context: EffectContext, effect: ConfirmRead) -> None:
    """The family has seen it: their follow-up stops; recorded once, at their first "Got it"."""
    guardian = context.guardian
    assert guardian is not None
    rows = _recipients(context.session, guardian.id, effect.broadcast_id)
    for row in rows:
        row.confirmed_at = row.confirmed_at or effect.at
    context.audit("broadcast_read", f"broadcast:{effect.broadcast_id}")
    context.records.append(
        {
            "type": "read_confirmation",
            "broadcast": f"B{effect.broadcast_id}",
            "guardian": guardian.name,
            "at": effect.at.isoformat(),
        }
    )


def resend_urgent(context: EffectContext, effect: ResendUrgent) -> None:
    """The same words, with "Got it", by SMS to each family's phone; once each."""
    session = context.session
    for row in session.scalars(
        select(BroadcastRecipient).where(BroadcastRecipient.id.in_(effect.recipient_ids))
    ):
        if row.resent_at is not None:
            continue  # another run resent it
        row.resent_at = effect.at
        guardian = session.get_one(Guardian, row.guardian_id)
        first = session.get(Outbox, row.outbox_id) if row.outbox_id else None
        broadcast_id = session.get_one(BroadcastOccurrence, row.occurrence_id).broadcast_id
        text = first.text if first else session.get_one(Broadcast, broadcast_id).text
        language = guardian.language if guardian.language in context.catalog.languages else "en"
        got_it = Choice(f"{READ_PREFIX}{broadcast_id}", context.catalog.text(GOT_IT_KEY, language))
        address = Address("sms", guardian.phone or "")
        reply = Reply(text, (got_it,))
        enqueue_to(
            session, context.reach, address, reply, kind="broadcast", guardian_id=guardian.id
        )
        context.messages.append(told(guardian.name, text, address, reply.choices))
        context.broadcasts.append(f"B{broadcast_id} resent by SMS to {guardian.name}")


def call_about(context: EffectContext, effect: CallAboutBroadcast) -> None:
    """The managers get the call task; the families in it are not listed again."""
    rows = context.session.scalars(
        select(BroadcastRecipient).where(
            BroadcastRecipient.id.in_(effect.recipient_ids),
            BroadcastRecipient.escalated_at.is_(None),
        )
    ).all()
    if not rows:
        return  # another run made it
    for row in rows:
        row.escalated_at = effect.at
    alerts = context.alerts
    alerts.to(alerts.managers(), effect.text)
