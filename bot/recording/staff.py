"""Staff commands' effects: arrivals, acknowledgements, answers to parents, broadcasts, closing
and passing on handoffs, and the awaited answer after a Reply button.

The handler (bot/staff/handler.py) decided them; here they are written, in the turn's transaction,
with the member of staff as the audit log's actor. Messages to parents go out on the best channel
that reaches each guardian now (an undeliverable row, kept, when none does)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Absence, Arrival, Child, CollectionChange, Guardian, HandoffItem, Staff
from bot.db.session import insert_unless_present
from bot.flows.original import PREFIX as ORIGINAL
from bot.flows.turn import END
from bot.outbound.originals import SHOW_KEY, keep_original
from bot.outbound.outbox import enqueue_to, guardian_addresses, told
from bot.pipeline.conversation import save_conversation
from bot.pipeline.outcome import record_row
from bot.recording.context import EffectContext
from bot.staff.choices import reply_choice
from bot.staff.effects import (
    AcknowledgeNotice,
    AnswerHandoff,
    CloseHandoff,
    ExpectAnswer,
    MarkArrived,
    ReassignHandoff,
    RefuseAnswer,
    Viewed,
)
from bot.staff.request import ANSWERING
from bot.types import Choice, Reply


def mark_arrived(context: EffectContext, effect: MarkArrived) -> None:
    """An arrival for each child (one per child and day), and one `records` entry for them all."""
    day = effect.at.date()
    children = [context.session.get_one(Child, child_id) for child_id in effect.child_ids]
    for child in children:
        added = insert_unless_present(
            context.session,
            Arrival,
            child_id=child.id,
            on_date=day,
            at=effect.at,
            staff_id=context.staff_id,
        )
        if added is not None:  # else marked in by someone else a moment ago
            context.audit("arrival_recorded", f"child:{child.id}", {"date": day.isoformat()})
    at = effect.at.strftime("%H:%M")
    context.records.append(record_row("arrival", children, day, day, time=at, status="arrived"))


def acknowledge_notice(context: EffectContext, effect: AcknowledgeNotice) -> None:
    """Staff have seen the notice; the guardians to tell hear so, each in their language."""
    session = context.session
    notice: Absence | CollectionChange = (
        session.get_one(Absence, effect.notice_id)
        if effect.kind == "A"
        else session.get_one(CollectionChange, effect.notice_id)
    )
    notice.acknowledged_by_staff_id = context.staff_id
    kind = "absence" if isinstance(notice, Absence) else "collection_change"
    context.audit("notice_acknowledged", f"{kind}:{notice.id}")
    child = session.get_one(Child, notice.child_id)
    told = [_tell(context, guardian, child) for guardian in _guardians(context, effect.tell)]
    start, end = (
        (notice.start, notice.end) if isinstance(notice, Absence) else (notice.on_date,) * 2
    )
    record = record_row(kind, [child], start, end, status="acknowledged", notice=effect.ref)
    context.records.append(record | {"told": told})


def _guardians(context: EffectContext, ids: tuple[int, ...]) -> list[Guardian]:
    query = select(Guardian).where(Guardian.id.in_(ids)).order_by(Guardian.id)
    return list(context.session.scalars(query))


def _tell(context: EffectContext, guardian: Guardian, child: Child) -> str:
    """Tell one guardian that staff have seen their notice; their name, for the record."""
    catalog = context.catalog
    staff = context.session.get_one(Staff, context.staff_id)
    language = guardian.language if guardian.language in catalog.languages else "en"
    text = catalog.text(
        "ack.seen",
        language,
        staff=staff.name.split()[0],
        children=child.known_as or child.first_name,
    )
    address = guardian_addresses(context.session, [guardian], context.reach)[guardian.id]
    kind = "acknowledgement"
    enqueue_to(
        context.session, context.reach, address, Reply(text), kind=kind, guardian_id=guardian.id
    )
    return guardian.name


def answer_handoff(context: EffectContext, effect: AnswerHandoff) -> None:
    """Queue staff's answer to the guardian (with "Show in English" when translated); the
    handoff closes when a channel reaches them, else it stays open beside an undeliverable row."""
    session = context.session
    guardian = session.get_one(Guardian, effect.guardian_id)
    address = guardian_addresses(session, [guardian], context.reach)[guardian.id]
    show = [context.catalog.text(SHOW_KEY, effect.language)] if effect.english else []
    ids = enqueue_to(
        session,
        context.reach,
        address,
        Reply(effect.text),
        later_choices=show,
        kind="staff_reply",
        guardian_id=guardian.id,
    )
    if effect.english:
        keep_original(session, [(ids[-1], effect.language)], effect.english, context.catalog)
    choices = [Choice(f"{ORIGINAL}{ids[-1]}", label) for label in show]
    context.messages.append(told(guardian.name, effect.text, address, choices))
    if address.problem:
        return
    session.get_one(HandoffItem, effect.handoff_id).status = "closed"
    context.audit(
        "handoff_replied",
        f"handoff:{effect.handoff_id}",
        {"guardian_id": guardian.id, "language": guardian.language, "channel": address.channel},
    )


def refuse_answer(context: EffectContext, effect: RefuseAnswer) -> None:
    """Keep the refusal in the audit log."""
    context.audit(effect.action, f"handoff:{effect.handoff_id}", {"kind": effect.kind})


def close_handoff(context: EffectContext, effect: CloseHandoff) -> None:
    """Close the handoff (dealt with another way), if nobody closed it meanwhile."""
    item = context.session.get_one(HandoffItem, effect.handoff_id)
    if item.status != "open":
        return
    item.status = "closed"
    context.audit("handoff_closed", f"handoff:{item.id}", {"kind": effect.kind})


def reassign_handoff(context: EffectContext, effect: ReassignHandoff) -> None:
    """Route the handoff to its new owner, who is told on their own channel."""
    session = context.session
    item = session.get_one(HandoffItem, effect.handoff_id)
    if item.status != "open":
        return
    item.assigned_staff_id = effect.to_staff_id
    details = {"from": effect.from_staff_id, "to": effect.to_staff_id, "kind": effect.kind}
    context.audit("handoff_reassigned", f"handoff:{item.id}", details)
    choices = [reply_choice(context.staff_catalog, item.id)] if item.guardian_id else []
    context.alerts.to([session.get_one(Staff, effect.to_staff_id)], effect.alert, choices=choices)


def expect_answer(context: EffectContext, effect: ExpectAnswer) -> None:
    """Keep (or drop) the handoff whose answer the member's next chat message is."""
    state, data = (ANSWERING, {ANSWERING: effect.handoff_id}) if effect.handoff_id else (END, {})
    save_conversation(context.session, effect.conversation_id, state, data, effect.at)


def viewed(context: EffectContext, effect: Viewed) -> None:
    """Keep the look in the audit log."""
    context.audit("viewed", effect.subject)
