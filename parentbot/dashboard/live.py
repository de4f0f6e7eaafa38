"""Keeping an open page current without reloading it: HTMX polling, not server-sent events.

Each open page asks `/staff/api/live` every few seconds whether anything its viewer may see
changed (a marker of the register and the inbox as they see them). Nothing changed: 204, and
nothing happens. Something changed: the answer carries the new marker, the count of what waits
for them (notices not yet acknowledged, open handoffs) for the tab title, and an `HX-Trigger:
dashboard-changed` header that makes the page's panel fetch itself again.

Why polling: every answer is computed from the database, so it is right whichever web process
serves it (several workers on PostgreSQL, and the turns process writing the notices) with no
in-process state, no long-lived connection per open tab, nothing a proxy must be told to stream,
and no extra library; a few seconds' delay is fine for a register.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.staff.access import Viewer
from bot.staff.dashboard_views import Today, inbox, today
from parentbot.dashboard.context import Dashboard

CHANGED = "dashboard-changed"  # the event an open page's panel listens for


@dataclass(frozen=True)
class Live:
    """What waits for the viewer, and a marker that changes whenever anything they see does."""

    waiting: int
    marker: str


def live_state(dashboard: Dashboard, viewer: Viewer, register: Today | None = None) -> Live:
    """The viewer's register (unless the page just read it) and inbox, read now."""
    with dashboard.reading() as session:
        setting = dashboard.setting(session)
        if register is None:
            register = today(session, setting, dashboard.today(setting), viewer)
        items = inbox(session, setting.id, viewer)
    seen = repr((register, [(item.id, item.status, item.assigned_staff_id) for item in items]))
    marker = hashlib.sha256(seen.encode()).hexdigest()[:20]
    return Live(register.waiting + len(items), marker)
