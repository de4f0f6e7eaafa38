"""The `broadcasts` job: every minute, each scheduled broadcast or reminder whose time has come
is sent (bot/recording/broadcasts.py claims each occurrence once). A non-urgent one waits out
the setting's quiet hours (option `quiet_hours`, "20:00-07:00"); a weekly reminder falling on a
closed day is skipped and waits for its next week; a scheduler that was down sends the missed
occurrence once and goes on from the next one after now."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import SCHEDULED, Broadcast
from bot.jobs.effects import DeliverBroadcast
from bot.jobs.job import JobContext, JobResult
from bot.staff.when import Recurrence, quiet_until


def send_due(context: JobContext) -> JobResult:
    """A DeliverBroadcast for each scheduled broadcast due by now and not held by quiet hours."""
    setting = context.setting
    zone = ZoneInfo(setting.timezone)
    local = context.now.astimezone(zone)
    due = context.session.scalars(
        select(Broadcast)
        .where(
            Broadcast.setting_id == setting.id,
            Broadcast.status == SCHEDULED,
            Broadcast.next_at <= context.now,
        )
        .order_by(Broadcast.next_at, Broadcast.id)
    )
    quiet = quiet_until(local, setting.options.get("quiet_hours"))
    effects = []
    for row in due:
        if quiet is not None and not row.urgent:
            continue  # held until the quiet hours end
        assert row.next_at is not None
        slot = row.next_at.astimezone(zone)
        repeat = recurrence_of(row)
        following = repeat.next_after(max(slot, local)) if repeat else None
        closed = repeat is not None and not setting.opens_on(slot.date())
        effects.append(
            DeliverBroadcast(row.id, slot, following, context.now, "closed" if closed else None)
        )
    return JobResult(tuple(effects))


def recurrence_of(row: Broadcast) -> Recurrence | None:
    """A weekly reminder's repeat; None for a one-off."""
    if not row.repeat_weekdays or row.repeat_at is None:
        return None
    days = frozenset(int(day) for day in row.repeat_weekdays)
    return Recurrence(days, time.fromisoformat(row.repeat_at))


def local_time(moment: datetime, zone: str) -> str:
    """ "Fri 27 Nov 15:00", as staff read a send time."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")
