"""Handoff actions that only the dashboard offers (chat replies close a handoff by themselves):
closing one without a reply, and passing one to another member of staff. Each is audited; the
caller has asked `bot.staff.access.permits` first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import HandoffItem, Staff


def close_handoff(session: Session, setting_id: int, handoff_id: int, staff_id: int) -> bool:
    """Close an open handoff (dealt with another way); False when there is no such open one."""
    item = session.get(HandoffItem, handoff_id)
    if item is None or item.setting_id != setting_id or item.status != "open":
        return False
    item.status = "closed"
    audit(session, f"staff:{staff_id}", "handoff_closed", f"handoff:{item.id}", {"kind": item.kind})
    return True


def reassign_handoff(
    session: Session, setting_id: int, handoff_id: int, to_staff_id: int, staff_id: int
) -> bool:
    """Route an open handoff to another member of the setting's staff; False when either is
    not there."""
    item = session.get(HandoffItem, handoff_id)
    assignee = session.get(Staff, to_staff_id)
    if item is None or item.setting_id != setting_id or item.status != "open":
        return False
    if assignee is None or assignee.setting_id != setting_id:
        return False
    details = {"from": item.assigned_staff_id, "to": assignee.id, "kind": item.kind}
    item.assigned_staff_id = assignee.id
    audit(session, f"staff:{staff_id}", "handoff_reassigned", f"handoff:{item.id}", details)
    return True
