"""Deciding the broadcast commands: a preview before anything goes, then send or drop it; the
scheduled list and cancelling. Reads only; bot/recording/broadcasts.py writes.

A preview shows whom it reaches per room (by language and channel), how many have opted out or
cannot be reached, when it goes, and the text as a family on SMS will see it; its choices are
`broadcast:send` / `broadcast:cancel`. The previewed broadcast is kept as the member of staff's
draft (their pending state), so nothing is queued until they send it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import CONSENT, DRAFT, SCHEDULED, Broadcast, ChannelIdentity, Guardian, Room
from bot.flows.dates import short_date
from bot.i18n.catalog import ENGLISH
from bot.jobs.broadcasts import recurrence_of
from bot.jobs.consent import answers_text
from bot.outbound.audience import room_guardian_ids, rooms_guardian_ids
from bot.outbound.broadcast import (
    Prepared,
    TooLongForSms,
    prepare,
    refusal,
)
from bot.outbound.sms_text import sms_parts
from bot.staff.broadcast_commands import (
    BroadcastCommand,
    CancelScheduled,
    Compose,
    ComposeProblem,
    ConsentAnswers,
    DropDraft,
    ListScheduled,
    QuestionnaireResults,
    SendDraft,
)
from bot.staff.effects import CancelBroadcast, ConfirmDraft, SaveDraft
from bot.staff.questionnaires import option_labels, options_text, questionnaire_results
from bot.staff.request import StaffRequest, StaffStep
from bot.staff.roles import KEY_PERSON, MANAGER
from bot.staff.when import Recurrence, WhenError, is_recurring, moment, quiet_until, recurrence
from bot.types import Choice, Reply

SEND = Choice("broadcast:send", "Send")
CANCEL = Choice("broadcast:cancel", "Cancel")
KEY_PERSONS_OPTION = "key_persons_can_broadcast"  # to their own room's families


def decide(request: StaffRequest, command: BroadcastCommand) -> StaffStep:
    """One broadcast command's answer and effects."""
    match command:
        case ComposeProblem(problem=problem):
            return StaffStep((Reply(problem),))
        case Compose():
            return _preview(request, command)
        case SendDraft():
            return _send(request)
        case DropDraft():
            draft = _draft(request)
            if draft is None:
                return StaffStep.say(request, "broadcasts.no_draft")
            return StaffStep.say(request, "broadcasts.dropped", CancelBroadcast(draft.id))
        case ListScheduled():
            return StaffStep((Reply(scheduled_text(request)),))
        case CancelScheduled(broadcast_id=broadcast_id):
            return _cancel(request, broadcast_id)
        case ConsentAnswers(broadcast_id=broadcast_id):
            return _consent_answers(request, broadcast_id)
        case QuestionnaireResults(broadcast_id=broadcast_id):
            return questionnaire_results(request, broadcast_id)


def _allowed(request: StaffRequest, rooms: tuple[str, ...]) -> bool:
    """Managers send to anyone; a key person to their own room's families when the setting lets
    them."""
    staff = request.staff
    if staff.has_role(MANAGER):
        return True
    own = staff.room.name.casefold() if staff.room else None
    return (
        bool(request.setting.options.get(KEY_PERSONS_OPTION))
        and staff.has_role(KEY_PERSON)
        and own is not None
        and [room.casefold() for room in rooms] == [own]
    )


def _when(request: StaffRequest, words: str) -> tuple[datetime | None, Recurrence | None]:
    """The first occurrence (None: at once) and the weekly repeat, if any. Raises WhenError."""
    if not words:
        return None, None
    local = request.now.astimezone(ZoneInfo(request.setting.timezone))
    if is_recurring(words):
        repeat = recurrence(words)
        return repeat.next_after(local), repeat
    return moment(words, local), None


def _preview(request: StaffRequest, command: Compose) -> StaffStep:
    if not _allowed(request, command.rooms):
        return StaffStep.say(request, "staff.broadcast_managers_only")
    try:
        send_at, repeat = _when(request, command.when)
        deadline = _deadline(request, command.deadline)
        ids = rooms_guardian_ids(request.session, request.setting.id, command.rooms)
        ready = prepare(
            request.session,
            request.setting.id,
            command.text,
            ids,
            request.languages.translator,
            request.reach,
            request.catalog,
        )
    except (WhenError, LookupError) as problem:
        return StaffStep((Reply(str(problem).strip("\"'")),))
    except TooLongForSms as too_long:
        return StaffStep(
            (Reply(str(refusal(too_long, request.say, request.catalog, request.reach))),)
        )
    if deadline is not None:
        _with_question(request, ready, deadline)
    draft = SaveDraft(
        command.kind,
        command.text,
        command.rooms,
        command.urgent,
        send_at,
        tuple(sorted(repeat.weekdays)) if repeat else (),
        repeat.at.strftime("%H:%M") if repeat else None,
        tuple((language, text, flag) for language, (text, flag) in sorted(ready.made.items())),
        deadline,
        command.options,
        option_labels(request, ready, command.options) if command.options else (),
    )
    when = _when_text(request, send_at, repeat)
    if deadline is not None:
        when += f", answers by {deadline.strftime('%a %d %b %H:%M')}"
    text = _preview_text(request, command, ready, when)
    if command.options:
        text = text.replace("\n" + request.say("broadcasts.preview_choose"), "")
        text += f"\n{options_text(command.options)}\n{request.say('broadcasts.preview_choose')}"
    return StaffStep((Reply(text, (SEND, CANCEL)),), (draft,))


def _deadline(request: StaffRequest, words: str) -> datetime | None:
    """A consent request's deadline (None for other broadcasts). Raises WhenError."""
    if not words:
        return None
    return moment(words, request.now.astimezone(ZoneInfo(request.setting.timezone)))


def _with_question(request: StaffRequest, ready: Prepared, deadline: datetime) -> None:
    """A consent request asks, in each language, for an answer per child by the deadline."""
    for language in list(ready.texts):
        by = f"{short_date(deadline.date(), language)} {deadline.strftime('%H:%M')}"
        ask = request.catalog.text("consent.ask", language, by=by)
        ready.texts[language] = f"{ready.texts[language]}\n\n{ask}"


def _when_text(request: StaffRequest, send_at: datetime | None, repeat: Recurrence | None) -> str:
    if repeat is not None:
        assert send_at is not None
        return f"{repeat.describe()}, first {send_at.strftime('%a %d %b %H:%M')}"
    if send_at is None:
        return "now, when you send it"
    return send_at.strftime("%a %d %b %H:%M")


def _preview_text(request: StaffRequest, command: Compose, ready: Prepared, when: str) -> str:
    """The preview staff read before sending."""
    session, setting_id = request.session, request.setting.id
    rooms = list(command.rooms) or list(
        session.scalars(select(Room.name).where(Room.setting_id == setting_id).order_by(Room.id))
    )
    lines = [
        request.say(
            "broadcasts.preview_head",
            kind=("URGENT " if command.urgent else "") + command.kind,
            families=len(ready.guardians),
            when=when,
        )
    ]
    by_id = {guardian.id: guardian for guardian in ready.guardians}
    for room in rooms:
        members = [
            by_id[i] for i in room_guardian_ids(session, setting_id, room) or [] if i in by_id
        ]
        lines.append(f"{room}: {len(members)} ({_mix(members, ready)})")
    opted_out = _opted_out(request, list(by_id))
    unreachable = sum(1 for address in ready.addresses.values() if address.problem)
    lines.append(
        request.say("broadcasts.preview_counts", opted_out=opted_out, unreachable=unreachable)
    )
    lines.append(_sms_view(request, ready, command.text))
    lines.append(request.say("broadcasts.preview_choose"))
    return "\n".join(lines)


def _mix(members: list[Guardian], ready: Prepared) -> str:
    """ "en 4, pl 1; sms 3, telegram 2" for one room's families."""
    languages = Counter(member.language or ENGLISH for member in members)
    channels = Counter(
        ready.addresses[m.id].channel for m in members if not ready.addresses[m.id].problem
    )
    return "; ".join(
        ", ".join(f"{key} {count}" for key, count in sorted(counter.items())) or "-"
        for counter in (languages, channels)
    )


def _opted_out(request: StaffRequest, guardian_ids: list[int]) -> int:
    """How many of these guardians said STOP on some channel."""
    query = select(ChannelIdentity.guardian_id).where(
        ChannelIdentity.guardian_id.in_(guardian_ids), ChannelIdentity.opted_out.is_(True)
    )
    return len(set(request.session.scalars(query)))


def _sms_view(request: StaffRequest, ready: Prepared, english: str) -> str:
    """The text as a family on SMS sees it (the first SMS family's language, else English)."""
    language = next(
        (
            g.language or ENGLISH
            for g in ready.guardians
            if ready.addresses[g.id].channel == "sms" and not ready.addresses[g.id].problem
        ),
        ENGLISH,
    )
    parts = sms_parts(ready.texts.get(language, english), request.reach.sms_segment_budget, "")
    shown = "\n".join(parts)
    return request.say("broadcasts.preview_sms", language=language, parts=len(parts), text=shown)


def _draft(request: StaffRequest) -> Broadcast | None:
    return latest_draft(request.session, request.staff.id)


def latest_draft(session: Session, staff_id: int) -> Broadcast | None:
    """This member of staff's draft (their latest preview), if any."""
    return session.scalar(
        select(Broadcast)
        .where(Broadcast.staff_id == staff_id, Broadcast.status == DRAFT)
        .order_by(Broadcast.id.desc())
        .limit(1)
    )


def _send(request: StaffRequest) -> StaffStep:
    draft = _draft(request)
    if draft is None:
        return StaffStep.say(request, "broadcasts.no_draft")
    zone = ZoneInfo(request.setting.timezone)
    now = request.now.astimezone(zone)
    first = draft.send_at.astimezone(zone) if draft.send_at else now
    held = None if draft.urgent else quiet_until(first, request.setting.options.get("quiet_hours"))
    next_at = held or first
    if next_at <= now:
        reply = request.say("broadcasts.sending", ref=f"B{draft.id}")
        return StaffStep((), (ConfirmDraft(draft.id, now, True, reply),))
    key = "broadcasts.held" if held else "broadcasts.scheduled"
    at = next_at.strftime("%a %d %b %H:%M")
    reply = request.say(key, ref=f"B{draft.id}", at=at)
    return StaffStep((), (ConfirmDraft(draft.id, next_at, False, reply),))


def scheduled_text(request: StaffRequest) -> str:
    """The setting's scheduled broadcasts and reminders, soonest first."""
    rows = request.session.scalars(
        select(Broadcast)
        .where(Broadcast.setting_id == request.setting.id, Broadcast.status == SCHEDULED)
        .order_by(Broadcast.next_at, Broadcast.id)
    ).all()
    if not rows:
        return request.say("broadcasts.none_scheduled")
    zone = ZoneInfo(request.setting.timezone)
    lines = [request.say("broadcasts.scheduled_head", count=len(rows))]
    for row in rows:
        at = row.next_at.astimezone(zone).strftime("%a %d %b %H:%M") if row.next_at else "?"
        repeat = _repeat_text(row)
        to = ", ".join(row.rooms) or "everyone"
        lines.append(f"B{row.id} {row.kind} to {to}, next {at}{repeat}: {row.text[:60]}")
    lines.append(request.say("broadcasts.cancel_hint"))
    return "\n".join(lines)


def _repeat_text(row: Broadcast) -> str:
    repeat = recurrence_of(row)
    return f" ({repeat.describe()})" if repeat else ""


def _cancel(request: StaffRequest, broadcast_id: int) -> StaffStep:
    row = request.session.get(Broadcast, broadcast_id)
    ref = f"B{broadcast_id}"
    if row is None or row.setting_id != request.setting.id or row.status != SCHEDULED:
        return StaffStep.say(request, "broadcasts.not_scheduled", ref=ref)
    if row.staff_id != request.staff.id and not request.staff.has_role(MANAGER):
        return StaffStep.say(request, "broadcasts.not_yours", ref=ref)
    return StaffStep.say(request, "broadcasts.cancelled", CancelBroadcast(row.id), ref=ref)


def _consent_answers(request: StaffRequest, broadcast_id: int) -> StaffStep:
    """The answers so far to a consent request of this setting."""
    row = request.session.get(Broadcast, broadcast_id)
    if row is None or row.setting_id != request.setting.id or row.kind != CONSENT:
        return StaffStep.say(request, "broadcasts.no_consent", ref=f"B{broadcast_id}")
    return StaffStep((Reply(answers_text(request.session, row, request.say)),))
