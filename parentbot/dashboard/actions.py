"""Every change the dashboard makes, in one place.

Marking a child in, acknowledging a notice and replying to a parent go through the chat's own
staff commands, decided and applied by `Engine.staff_command` as if the member of staff had sent
"arrived Maya Thompson", "ack A12", "reply H12 ...", "close H12", "pass H12 to Sam" (those
two as typed commands, the colleague by id), "broadcast to Oaks Fri 9:00: ...",
"broadcast:send" or "cancel B12", so the dashboard and the chat can never differ in
what they record, audit, or tell parents. The caller has asked `bot.staff.access.permits` first;
the command's own check asks it again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.models import Child, Staff
from bot.pipeline.engine import Engine
from bot.staff.commands import Close, Command, PassOn
from bot.staff.request import StaffSaid
from parentbot.dashboard.context import Dashboard


class StaffActions:
    """The dashboard's staff actions, each in its own transaction; each answers with the text
    staff would have got in the chat (or the dashboard's own note)."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.engine: Engine = dashboard.engine

    def mark_in(self, staff_id: int, child_id: int) -> str:
        """Mark the child in now ("arrived First Last")."""
        with self.dashboard.writing() as session:
            child = session.get_one(Child, child_id)
            return self._command(session, staff_id, f"arrived {child.first_name} {child.last_name}")

    def acknowledge(self, staff_id: int, ref: str) -> str:
        """Acknowledge notice A12 or C7 ("ack A12")."""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, f"ack {ref}")

    def reply(self, staff_id: int, handoff_id: int, text: str) -> str:
        """Answer the parent behind a handoff in their language and close it ("reply H12 ...")."""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, f"reply H{handoff_id} {text}")

    def close(self, staff_id: int, handoff_id: int) -> str:
        """Close a handoff without a reply ("close H12")."""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, Close(handoff_id))

    def reassign(self, staff_id: int, handoff_id: int, to_staff_id: int) -> str:
        """Pass a handoff on ("pass H12 to ..."); its new owner is told on their own channel."""
        with self.dashboard.writing() as session:
            to = session.get_one(Staff, to_staff_id)
            return self._command(session, staff_id, PassOn(handoff_id, to.name, to.id))

    def broadcast(self, staff_id: int, room: str, when: str, text: str) -> str:
        """Preview a broadcast ("broadcast to ROOM WHEN: TEXT"); nothing goes until it is sent."""
        to = f" to {room}" if room else ""
        at = f" {when}" if when else ""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, f"broadcast{to}{at}: {text}")

    def broadcast_choice(self, staff_id: int, choice: str) -> str:
        """Send or drop the previewed broadcast (the preview's `broadcast:send` / `:cancel`)."""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, f"broadcast:{choice}")

    def cancel_scheduled(self, staff_id: int, broadcast_id: int) -> str:
        """Cancel a scheduled broadcast or reminder ("cancel B12")."""
        with self.dashboard.writing() as session:
            return self._command(session, staff_id, f"cancel B{broadcast_id}")

    def _command(self, session: Session, staff_id: int, said: str | Command) -> str:
        setting = self.dashboard.setting(session)
        now = self.engine.clock().astimezone(self.dashboard.zone(setting))
        staff = session.get_one(Staff, staff_id)
        heard = StaffSaid(said) if isinstance(said, str) else said
        done = self.engine.staff_command(session, setting, staff, heard, now)
        return "\n".join(reply.text for reply in done.replies)
