"""A family moving its parents' evening slots (bot/flows/evening.py decides from the tap): the free
blocks that keep their meetings back to back offered, then the move booked (the old meetings
cancelled, new ones held by the unique index on booked slots), the family and the key persons
told. Written in the turn's transaction."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import (
    Child,
    Guardian,
    Meeting,
    MeetingChild,
    MeetingGuardian,
    ParentsEvening,
    Setting,
    Staff,
    utcnow,
)
from bot.evenings.effects import EveningHandoff, MoveSlot
from bot.evenings.grid import grid_for
from bot.evenings.moves import free_blocks, is_free
from bot.evenings.scope import evening_spec, slot_line
from bot.evenings.solver import Grid
from bot.flows.dates import short_date
from bot.flows.flow import EXPIRED_KEY
from bot.outbound.outbox import enqueue_to, guardian_addresses, told
from bot.recording.context import EffectContext
from bot.recording.evenings import evening_handoff
from bot.types import Choice, Reply


def own_meetings(context: EffectContext, evening_id: int) -> list[Meeting]:
    """The sender's booked meetings at the evening, in time order."""
    if context.guardian_id is None:
        return []
    return list(
        context.session.scalars(
            select(Meeting)
            .join(MeetingGuardian, MeetingGuardian.meeting_id == Meeting.id)
            .where(
                Meeting.source == "evening",
                Meeting.source_id == evening_id,
                Meeting.status == "booked",
                MeetingGuardian.guardian_id == context.guardian_id,
            )
            .order_by(Meeting.start)
        )
    )


def move_slot(context: EffectContext, effect: MoveSlot) -> None:
    """Offer the free blocks, or move to the one chosen when it is still free."""
    session = context.session
    evening = session.get(ParentsEvening, effect.evening_id)
    mine = own_meetings(context, effect.evening_id)
    language = _language(context)
    if evening is None or not mine:
        context.replies.append(Reply(context.catalog.text(EXPIRED_KEY, language)))
        return
    zone = session.get_one(Setting, context.setting_id).timezone
    grid = grid_for(evening_spec(evening), zone)
    index = {start: i for i, (start, _) in enumerate(grid.slots)}
    order = [m.staff_id for m in mine]
    others = session.scalars(
        select(Meeting).where(Meeting.staff_id.in_(order), Meeting.status == "booked")
    )
    own = {m.id for m in mine}
    busy = {(m.staff_id, index[m.start]) for m in others if m.id not in own and m.start in index}
    current = index.get(mine[0].start, 0)
    if effect.first not in (None, current) and is_free(grid, order, busy, effect.first):
        _move(context, evening, mine, grid, effect.first, ZoneInfo(zone))
        return
    free = free_blocks(grid, order, busy, current)
    if not free:
        evening_handoff(context, EveningHandoff(evening.id, "move"))
        return
    key = "evening.move_taken" if effect.first is not None else "evening.move_pick"
    choices = [
        Choice(f"evening:to:{evening.id}:{first}", _when(grid.slots[first][0], language))
        for first in free
    ]
    choices.append(
        Choice(f"evening:cant:{evening.id}", context.catalog.text("evening.cant", language))
    )
    context.replies.append(Reply(context.catalog.text(key, language), tuple(choices)))


def _move(
    context: EffectContext,
    evening: ParentsEvening,
    mine: list[Meeting],
    grid: Grid,
    first: int,
    zone: ZoneInfo,
) -> None:
    session = context.session
    moved: list[tuple[Meeting, Meeting]] = []
    for meeting in mine:
        meeting.status, meeting.cancelled_at = "cancelled", utcnow()
    session.flush()  # the old slots are free before the new ones are held
    for offset, old in enumerate(mine):
        start, end = grid.slots[first + offset]
        new = Meeting(
            setting_id=old.setting_id,
            staff_id=old.staff_id,
            start=start,
            end=end,
            mode=old.mode,
            source="evening",
            source_id=evening.id,
            booked_by=context.actor,
            ics_token=secrets.token_urlsafe(24),
            moved_from_id=old.id,
        )
        session.add(new)
        session.flush()
        for child_id in session.scalars(
            select(MeetingChild.child_id).where(MeetingChild.meeting_id == old.id)
        ):
            session.add(MeetingChild(meeting_id=new.id, child_id=child_id))
        for guardian_id in session.scalars(
            select(MeetingGuardian.guardian_id).where(MeetingGuardian.meeting_id == old.id)
        ):
            session.add(MeetingGuardian(meeting_id=new.id, guardian_id=guardian_id))
        moved.append((old, new))
    session.flush()
    context.audit("evening_moved", f"evening:{evening.id}", {"to": first})
    _tell(context, evening, moved, zone)


def _tell(
    context: EffectContext,
    evening: ParentsEvening,
    moved: list[tuple[Meeting, Meeting]],
    zone: ZoneInfo,
) -> None:
    """The family (the sender and anyone sharing the slots) and each key person."""
    session = context.session
    guardian_ids = sorted(
        {
            g
            for _, new in moved
            for g in session.scalars(
                select(MeetingGuardian.guardian_id).where(MeetingGuardian.meeting_id == new.id)
            )
        }
    )
    for guardian in session.scalars(select(Guardian).where(Guardian.id.in_(guardian_ids))):
        language = guardian.language if guardian.language in context.catalog.languages else "en"
        lines = [context.catalog.text("evening.moved", language)]
        for _, new in moved:
            member = session.get_one(Staff, new.staff_id)
            names = [c.display_name for c in _children(context, new.id)]
            lines.append(
                slot_line(
                    context.catalog,
                    language,
                    new.start.astimezone(zone),
                    new.end.astimezone(zone),
                    new.mode,
                    member.name,
                    names,
                )
            )
        choices = (
            Choice(f"evening:move:{evening.id}", context.catalog.text("evening.move", language)),
            Choice(f"evening:cant:{evening.id}", context.catalog.text("evening.cant", language)),
        )
        reply = Reply("\n".join(lines), choices)
        if guardian.id == context.guardian_id:
            context.replies.append(reply)
            continue
        address = guardian_addresses(session, [guardian], context.reach)[guardian.id]
        enqueue_to(session, context.reach, address, reply, kind="evening", guardian_id=guardian.id)
        context.messages.append(told(guardian.name, reply.text, address, reply.choices))
    sender = context.guardian
    for old, new in moved:
        text = context.staff_text(
            "evening.moved",
            guardian=sender.name if sender else "?",
            children=", ".join(c.display_name for c in _children(context, new.id)),
            old=f"{old.start.astimezone(zone):%a %d %b %H:%M}",
            new=f"{new.start.astimezone(zone):%a %d %b %H:%M}",
        )
        context.alerts.to([session.get_one(Staff, new.staff_id)], text)


def _children(context: EffectContext, meeting_id: int) -> list[Child]:
    return list(
        context.session.scalars(
            select(Child)
            .join(MeetingChild, MeetingChild.child_id == Child.id)
            .where(MeetingChild.meeting_id == meeting_id)
            .order_by(Child.id)
        )
    )


def _when(start: datetime, language: str) -> str:
    return f"{short_date(start.date(), language)} {start:%H:%M}"


def _language(context: EffectContext) -> str:
    guardian = context.guardian
    language = guardian.language if guardian is not None else "en"
    return language if language in context.catalog.languages else "en"
