"""Parents' evenings written: the draft and its preview, the poll and its answers, reminders,
booked slots with the families' and staff's messages, and "can't make it" handoffs. Decided in
bot/evenings (and bot/flows/evening.py); written here in the turn's or the job's transaction."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import (
    Child,
    Guardian,
    HandoffItem,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    ParentsEvening,
    Poll,
    PollAnswer,
    PollOption,
    PollRecipient,
    Setting,
    Staff,
    utcnow,
)
from bot.evenings.effects import (
    AnswerEvening,
    AskPoll,
    CancelEvening,
    CreateEvening,
    EveningHandoff,
    RemindEvening,
    ScheduleEvening,
    SendEvening,
)
from bot.evenings.grid import NONE, REMOTE, grid_for, windows_for
from bot.evenings.scope import evening_spec, names_list
from bot.flows.dates import short_date
from bot.flows.evening import poll_sent
from bot.flows.flow import EXPIRED_KEY
from bot.jobs.chase import guardian_identity
from bot.outbound.channel import POLL_KIND
from bot.outbound.outbox import enqueue_to, guardian_addresses, told
from bot.pipeline.conversation import start_flow
from bot.recording.context import EffectContext
from bot.recording.polls import replace_answers
from bot.types import Choice, Reply


def create_evening(context: EffectContext, effect: CreateEvening) -> None:
    """The draft, and its preview with Send / Cancel as the manager's reply."""
    evening = ParentsEvening(
        setting_id=context.setting_id,
        spec=effect.spec,
        reply_by=date.fromisoformat(str(effect.spec["reply_by"])),
        created_by_staff_id=context.staff_id,
    )
    context.session.add(evening)
    context.session.flush()
    context.audit("evening_planned", f"evening:{evening.id}")
    choices = (
        Choice(f"evening:send:{evening.id}", context.staff_text("evening.send")),
        Choice(f"evening:cancel:{evening.id}", context.staff_text("evening.cancel")),
    )
    context.replies.append(Reply(effect.preview.replace("{id}", str(evening.id)), choices))


def send_evening(context: EffectContext, effect: SendEvening) -> None:
    """Open the poll and ask every guardian; the manager hears how many were asked."""
    session = context.session
    evening = session.get_one(ParentsEvening, effect.evening_id)
    poll = Poll(
        setting_id=context.setting_id,
        kind="evening",
        source_id=evening.id,
        question=f"Parents' evening E{evening.id}",
        closes_on=evening.reply_by,
    )
    session.add(poll)
    session.flush()
    for position, (value, label) in enumerate(effect.options, 1):
        session.add(PollOption(poll_id=poll.id, position=position, value=value, label=label))
    evening.poll_id, evening.status, evening.sent_at = poll.id, "polling", effect.at
    for ask in effect.asks:
        session.add(
            PollRecipient(
                poll_id=poll.id,
                guardian_id=ask.guardian_id,
                child_ids=list(ask.child_ids),
                asked_at=effect.at,
            )
        )
        _ask(context, evening.id, ask, effect.at)
    context.audit("evening_sent", f"evening:{evening.id}", {"asked": len(effect.asks)})
    context.replies.append(Reply(effect.report))


def _ask(context: EffectContext, evening_id: int, ask: AskPoll, at: datetime) -> None:
    """The poll on the guardian's best channel; their conversation there waits for the answer."""
    session = context.session
    guardian = session.get_one(Guardian, ask.guardian_id)
    address = guardian_addresses(session, [guardian], context.reach)[guardian.id]
    enqueue_to(
        session, context.reach, address, ask.question, kind=POLL_KIND, guardian_id=guardian.id
    )
    context.messages.append(told(guardian.name, ask.question.text, address, ask.question.choices))
    if not address.problem:
        identity = guardian_identity(session, guardian, address)
        start_flow(session, identity.id, poll_sent(ask.question, evening_id), at)


def cancel_evening(context: EffectContext, effect: CancelEvening) -> None:
    """The draft is dropped."""
    evening = context.session.get_one(ParentsEvening, effect.evening_id)
    evening.status = "cancelled"
    context.audit("evening_cancelled", f"evening:{evening.id}")


def _recipient(context: EffectContext, evening: ParentsEvening | None) -> PollRecipient | None:
    if evening is None or evening.poll_id is None or context.guardian_id is None:
        return None
    return context.session.scalar(
        select(PollRecipient).where(
            PollRecipient.poll_id == evening.poll_id,
            PollRecipient.guardian_id == context.guardian_id,
        )
    )


def answer_evening(context: EffectContext, effect: AnswerEvening) -> None:
    """The guardian's answer kept (added to or replacing what they said), read back to them, and
    listed as an `evening_preference` record."""
    session = context.session
    evening = session.get(ParentsEvening, effect.evening_id)
    recipient = _recipient(context, evening)
    guardian = context.guardian
    if evening is None or recipient is None or guardian is None or evening.status != "polling":
        context.replies.append(Reply(context.catalog.text(EXPIRED_KEY, _language(context))))
        return
    options = {
        o.position: o
        for o in session.scalars(select(PollOption).where(PollOption.poll_id == evening.poll_id))
    }
    chosen = {options[p].id for p in effect.positions if p in options}
    if effect.add:
        chosen |= set(
            session.scalars(
                select(PollAnswer.option_id).where(
                    PollAnswer.poll_id == evening.poll_id, PollAnswer.guardian_id == guardian.id
                )
            )
        )
    by_id = {o.id: o for o in options.values()}
    newest = options.get(effect.positions[-1]) if effect.positions else None
    if newest is not None and newest.value == NONE:
        chosen = {newest.id} | {i for i in chosen if by_id[i].value == REMOTE}
    elif any(by_id[i].value not in (NONE, REMOTE) for i in chosen):
        chosen = {i for i in chosen if by_id[i].value != NONE}
    replace_answers(session, recipient, chosen, utcnow())
    _read_back(
        context, evening, recipient, sorted((by_id[i] for i in chosen), key=lambda o: o.position)
    )


def _read_back(
    context: EffectContext,
    evening: ParentsEvening,
    recipient: PollRecipient,
    chosen: list[PollOption],
) -> None:
    language = _language(context)
    catalog = context.catalog
    spec = evening_spec(evening)
    labels = {w.value: w.label(language) for w in windows_for(spec, grid_for(spec, _zone(context)))}
    labels |= {
        NONE: catalog.text("evening.none", language),
        REMOTE: catalog.text("evening.remote", language),
    }
    windows = [o.value for o in chosen if o.value in labels and o.value not in (NONE, REMOTE)]
    if windows or any(o.value == REMOTE for o in chosen):
        text = catalog.text(
            "evening.noted",
            language,
            choices="; ".join(labels[o.value] for o in chosen),
            reply_by=short_date(evening.reply_by, language),
        )
    else:
        text = catalog.text("evening.noted_none", language)
    context.replies.append(Reply(text))
    children = context.session.scalars(
        select(Child).where(Child.id.in_(recipient.child_ids)).order_by(Child.id)
    )
    context.records.append(
        {
            "type": "evening_preference",
            "children": [child.display_name for child in children],
            "windows": windows,
            "remote": any(o.value == REMOTE for o in chosen),
        }
    )


def _language(context: EffectContext) -> str:
    guardian = context.guardian
    language = guardian.language if guardian is not None else "en"
    return language if language in context.catalog.languages else "en"


def _zone(context: EffectContext) -> str:
    return context.session.get_one(Setting, context.setting_id).timezone


def remind_evening(context: EffectContext, effect: RemindEvening) -> None:
    """The reminder with the poll again, once."""
    session = context.session
    evening = session.get_one(ParentsEvening, effect.evening_id)
    recipient = session.scalars(
        select(PollRecipient).where(
            PollRecipient.poll_id == evening.poll_id,
            PollRecipient.guardian_id == effect.ask.guardian_id,
        )
    ).one()
    recipient.reminded_at = effect.at
    _ask(context, evening.id, effect.ask, effect.at)


def schedule_evening(context: EffectContext, effect: ScheduleEvening) -> None:
    """Book every slot, then tell each family theirs and each member of staff their list."""
    session = context.session
    evening = session.get_one(ParentsEvening, effect.evening_id)
    for slot in effect.slots:
        meeting = Meeting(
            setting_id=context.setting_id,
            staff_id=slot.staff_id,
            start=slot.start,
            end=slot.end,
            mode=slot.mode,
            source="evening",
            source_id=evening.id,
            booked_by="system",
            ics_token=secrets.token_urlsafe(24),
        )
        session.add(meeting)
        session.flush()
        session.add_all(MeetingChild(meeting_id=meeting.id, child_id=c) for c in slot.child_ids)
        session.add_all(
            MeetingGuardian(meeting_id=meeting.id, guardian_id=g) for g in slot.guardian_ids
        )
    evening.status, evening.scheduled_at = "scheduled", effect.at
    for guardian_id, reply in effect.families:
        guardian = session.get_one(Guardian, guardian_id)
        address = guardian_addresses(session, [guardian], context.reach)[guardian.id]
        enqueue_to(session, context.reach, address, reply, kind="evening", guardian_id=guardian.id)
        context.messages.append(told(guardian.name, reply.text, address, reply.choices))
    for staff_id, text in effect.staff_lists:
        context.alerts.to([session.get_one(Staff, staff_id)], text, kind="evening_list")
    context.audit("evening_scheduled", f"evening:{evening.id}", {"slots": len(effect.slots)})


def evening_handoff(context: EffectContext, effect: EveningHandoff) -> None:
    """Each key person the sender meets is asked to find another time; the sender is told."""
    session = context.session
    guardian = context.guardian
    meetings = []
    if guardian is not None:
        meetings = list(
            session.scalars(
                select(Meeting)
                .join(MeetingGuardian, MeetingGuardian.meeting_id == Meeting.id)
                .where(
                    Meeting.source == "evening",
                    Meeting.source_id == effect.evening_id,
                    Meeting.status == "booked",
                    MeetingGuardian.guardian_id == guardian.id,
                )
                .order_by(Meeting.start)
            )
        )
    language = _language(context)
    if guardian is None or not meetings:
        context.replies.append(Reply(context.catalog.text(EXPIRED_KEY, language)))
        return
    staff_names = []
    for meeting in meetings:
        member = session.get_one(Staff, meeting.staff_id)
        children = list(
            session.scalars(
                select(Child)
                .join(MeetingChild, MeetingChild.child_id == Child.id)
                .where(MeetingChild.meeting_id == meeting.id)
            )
        )
        key = "evening.cant_make_it" if effect.kind == "cant" else "evening.move_asked"
        text = context.staff_text(
            key,
            guardian=guardian.name,
            when=f"{meeting.start.astimezone(ZoneInfo(_zone(context))):%a %d %b %H:%M}",
            children=", ".join(c.display_name for c in children),
        )
        item = HandoffItem(
            setting_id=context.setting_id,
            kind="evening",
            guardian_id=guardian.id,
            child_id=children[0].id if children else None,
            assigned_staff_id=member.id,
            text=text,
            language="en",
        )
        session.add(item)
        session.flush()
        context.alerts.to([member], f"{text} (H{item.id})")
        staff_names.append(member.name)
    context.handoff = True
    names = names_list(context.catalog, language, staff_names)
    context.replies.append(Reply(context.catalog.text("evening.cant_told", language, staff=names)))
