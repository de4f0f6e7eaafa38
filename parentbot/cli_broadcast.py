"""`parentbot broadcast --at WHEN`: a broadcast (or weekly reminder) scheduled from the command
line, sent by the scheduler's `broadcasts` job like one confirmed in the chat; and
`parentbot broadcast-status ID`: how far it got with each family."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.audit import audit
from bot.db.models import (
    SCHEDULED,
    Broadcast,
    Setting,
    utcnow,
)
from bot.db.session import transaction
from bot.outbound.audience import rooms_guardian_ids
from bot.staff.broadcasts_view import broadcast_status as family_statuses
from bot.staff.when import is_recurring, moment, recurrence
from parentbot.cli_shared import cli_actor


def schedule_broadcast(
    sessions: sessionmaker[Session], setting_id: int, text: str, at: str, room: str | None
) -> str:
    """Schedule `text` for the families of `room` (every family when None) at `at`; what to tell
    the person at the terminal. Raises LookupError (no such room) or WhenError (a ValueError)."""
    with transaction(sessions) as session:
        setting = session.get_one(Setting, setting_id)
        rooms = [room] if room else []
        rooms_guardian_ids(session, setting_id, rooms)  # an unknown room is refused now
        now = utcnow().astimezone(ZoneInfo(setting.timezone))
        repeat = recurrence(at) if is_recurring(at) else None
        first = repeat.next_after(now) if repeat else moment(at, now)
        row = Broadcast(
            setting_id=setting_id,
            kind="reminder" if repeat else "broadcast",
            text=text,
            rooms=rooms,
            status=SCHEDULED,
            send_at=first,
            next_at=first,
            repeat_weekdays=sorted(repeat.weekdays) if repeat else [],
            repeat_at=repeat.at.strftime("%H:%M") if repeat else None,
        )
        session.add(row)
        session.flush()
        audit(session, cli_actor(), "broadcast_scheduled", f"broadcast:{row.id}")
        when = repeat.describe() + ", first " if repeat else ""
        return f"Scheduled B{row.id} for {when}{first.strftime('%a %d %b %H:%M')}."


def broadcast_status(sessions: sessionmaker[Session], setting_id: int, broadcast_id: int) -> str:
    """Per family: the channel, what the channel said (sent, delivered, read, failed, ...),
    confirmed ("Got it"), resent by SMS, in a call task (`bot.staff.broadcasts_view`, as the
    dashboard shows it). Raises LookupError for an unknown id."""
    with sessions() as session:
        found = family_statuses(session, setting_id, broadcast_id)
        row = found.broadcast
        lines = [
            f"B{row.id} ({'URGENT ' if row.urgent else ''}{row.kind}, {row.status}): "
            f"{row.text[:80]}"
        ]
        for family in found.families:
            notes = ", ".join(family.notes)
            lines.append(f"{family.slot}  {family.guardian} ({family.channel}): {notes}")
        if not found.families:
            lines.append("Not sent yet.")
        else:
            lines.append("Totals: " + ", ".join(f"{k} {v}" for k, v in found.totals))
        return "\n".join(lines)
