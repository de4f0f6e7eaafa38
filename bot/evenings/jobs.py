"""The parents' evening's scheduled jobs (bot/jobs/registry.py).

`evening_reminders` (daily at `evening_reminder_at`, 10:00 by default, open day or not): on the
day before an evening's reply-by date, every guardian who has not answered gets the poll again,
once. `evening_schedule` (at every scheduler run): once an evening's reply-by date has ended, the
solver gives every family a slot (bot/evenings/solver.py), and the job books them, tells each
family theirs (with Move / Can't make it) and each key person their list. Deciding only; writing
in bot/recording/evenings.py."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db.models import Child, Guardian, ParentsEvening, PollRecipient, Staff
from bot.evenings.effects import AskPoll, BookedSlot, RemindEvening, ScheduleEvening
from bot.evenings.grid import grid_for, windows_for
from bot.evenings.parties import JOINT, parties_for
from bot.evenings.scope import answers, evening_spec, poll_question, slot_line
from bot.evenings.solver import solve
from bot.flows.dates import short_date
from bot.jobs.effects import JobEffect
from bot.jobs.job import JobContext, JobResult
from bot.types import Choice, Reply

log = logging.getLogger(__name__)
SLOTS_OPTION = "evening_slots"  # "joint" (default) or "each": separated parents' slots


def remind_non_responders(context: JobContext) -> JobResult:
    """The poll again, once, to everyone who has not answered, the day before reply-by."""
    session, tomorrow = context.session, context.today + timedelta(days=1)
    effects: list[JobEffect] = []
    reminded: list[str] = []
    evenings = session.scalars(
        select(ParentsEvening).where(
            ParentsEvening.setting_id == context.setting.id,
            ParentsEvening.status == "polling",
            ParentsEvening.reply_by == tomorrow,
        )
    )
    for evening in evenings:
        spec = evening_spec(evening)
        windows = windows_for(spec, grid_for(spec, context.setting.timezone))
        waiting = session.scalars(
            select(PollRecipient)
            .where(
                PollRecipient.poll_id == evening.poll_id,
                PollRecipient.answered_at.is_(None),
                PollRecipient.reminded_at.is_(None),
            )
            .order_by(PollRecipient.guardian_id)
        )
        for recipient in waiting:
            guardian = session.get_one(Guardian, recipient.guardian_id)
            language = guardian.language if guardian.language in context.catalog.languages else "en"
            children = _children(context, recipient.child_ids)
            question, labels = poll_question(
                context.catalog,
                language,
                context.setting.name,
                [c.display_name for c in children],
                evening.reply_by,
                windows,
                evening.id,
            )
            note = context.catalog.text(
                "evening.reminder", language, reply_by=short_date(evening.reply_by, language)
            )
            ask = AskPoll(
                guardian.id,
                tuple(recipient.child_ids),
                Reply(f"{note}\n\n{question.text}", question.choices),
                labels,
            )
            effects.append(RemindEvening(evening.id, ask, context.now))
            reminded.append(guardian.name)
    return JobResult(tuple(effects), evening_reminded=reminded)


def schedule_evenings(context: JobContext) -> JobResult:
    """Every evening whose reply-by date has ended, scheduled."""
    result = JobResult()
    evenings = context.session.scalars(
        select(ParentsEvening).where(
            ParentsEvening.setting_id == context.setting.id,
            ParentsEvening.status == "polling",
            ParentsEvening.reply_by < context.today,
        )
    )
    effects: list[JobEffect] = []
    for evening in evenings:
        effect, rows = _schedule(context, evening)
        effects.append(effect)
        result.evening_slots += rows
    result.effects = tuple(effects)
    return result


def _schedule(
    context: JobContext, evening: ParentsEvening
) -> tuple[ScheduleEvening, list[dict[str, Any]]]:
    session = context.session
    spec = evening_spec(evening)
    grid = grid_for(spec, context.setting.timezone)
    asked = answers(session, evening, windows_for(spec, grid))
    remote = {a.guardian for a in asked if a.remote}
    parties = parties_for(asked, str(context.setting.options.get(SLOTS_OPTION) or JOINT))
    solution = solve([party for party, _ in parties], grid)
    log.info(
        "evening E%s: %s, objective %s, bound %s, gap %.4f, %.2f s, %d unplaced",
        evening.id,
        solution.status,
        solution.objective,
        solution.bound,
        solution.gap,
        solution.seconds,
        len(solution.unplaced),
    )
    slots: list[BookedSlot] = []
    for party, guardians in parties:
        mode = "phone" if remote & set(guardians) else "in_person"
        for meet, index in sorted(solution.placed.get(party.key, []), key=lambda p: p[1]):
            start, end = grid.slots[index]
            slots.append(BookedSlot(meet.staff, meet.children, guardians, start, end, mode))
    families, staff_lists, rows = _messages(context, evening, slots)
    return ScheduleEvening(evening.id, tuple(slots), families, staff_lists, context.now), rows


def _messages(
    context: JobContext, evening: ParentsEvening, slots: list[BookedSlot]
) -> tuple[tuple[tuple[int, Reply], ...], tuple[tuple[int, str], ...], list[dict[str, Any]]]:
    """Each family's message, each member of staff's list, and the tick's `evening_slots`."""
    session, catalog = context.session, context.catalog
    people = {
        g.id: g
        for g in session.scalars(
            select(Guardian).where(Guardian.id.in_({g for s in slots for g in s.guardian_ids}))
        )
    }
    staff = {
        s.id: s
        for s in session.scalars(select(Staff).where(Staff.id.in_({s.staff_id for s in slots})))
    }
    children = {c.id: c for c in _children(context, [c for s in slots for c in s.child_ids])}
    lines: dict[int, list[str]] = {}
    staff_lines: dict[int, list[str]] = {}
    rows = []
    for slot in sorted(slots, key=lambda s: (s.start, s.staff_id)):
        names = [children[c].display_name for c in slot.child_ids]
        guardians = " and ".join(people[g].name for g in slot.guardian_ids)
        rows.append(
            {
                "children": names,
                "guardian": guardians,
                "staff": staff[slot.staff_id].name,
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
            }
        )
        remote = " (phone/video)" if slot.mode == "phone" else ""
        staff_lines.setdefault(slot.staff_id, []).append(
            context.staff_text(
                "evening.staff_line",
                time=f"{slot.start:%a %d %b %H:%M}",
                children=", ".join(names),
                guardians=guardians,
                remote=remote,
            )
        )
        for guardian_id in slot.guardian_ids:
            line = _family_line(context, slot, people[guardian_id], staff[slot.staff_id], names)
            lines.setdefault(guardian_id, []).append(line)
    families = []
    for guardian_id, theirs in lines.items():
        language = _language(context, people[guardian_id])
        heading = catalog.text("evening.heading", language, setting=context.setting.name)
        choices = (
            Choice(f"evening:move:{evening.id}", catalog.text("evening.move", language)),
            Choice(f"evening:cant:{evening.id}", catalog.text("evening.cant", language)),
        )
        families.append((guardian_id, Reply("\n".join([heading, *theirs]), choices)))
    lists = tuple(
        (staff_id, context.staff_text("evening.staff_list", id=evening.id, lines="\n".join(text)))
        for staff_id, text in staff_lines.items()
    )
    return tuple(families), lists, rows


def _family_line(
    context: JobContext, slot: BookedSlot, guardian: Guardian, member: Staff, names: list[str]
) -> str:
    """The guardian's line for one slot, in their language."""
    language = _language(context, guardian)
    return slot_line(context.catalog, language, slot.start, slot.end, slot.mode, member.name, names)


def _language(context: JobContext, guardian: Guardian) -> str:
    return guardian.language if guardian.language in context.catalog.languages else "en"


def _children(context: JobContext, ids: list[Any]) -> list[Child]:
    query = select(Child).where(Child.id.in_(list(ids))).order_by(Child.id)
    return list(context.session.scalars(query))
