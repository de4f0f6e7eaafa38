"""Who on the staff may see or do what on the dashboard: one pure policy, `permits`.

- A key person or practitioner sees their key children and their room's children (and those
  children's notices), and the handoffs routed to them.
- Managers see every child and every handoff; admins see every child (the office takes calls
  about absences) but only the handoffs routed to them.
- Safeguarding items (handoffs of kind `safeguarding`) are seen only by those
  `bot.staff.roles.sees_safeguarding` names, whoever they are routed to.
- The office screens: delivery problems and the roster for managers and admins, the audit log
  and the Policies screen for managers.
- Meetings: everyone sees the meetings they hold; managers see every meeting.
- Broadcasts: managers; key persons too, to their own room, when the setting allows it (the
  setting's part is `bot.staff.broadcasts_view.may_broadcast`, the chat's own rule).
- Parents' evenings: everyone sees the list and the poll's progress; in a grid a key person
  sees their own column, managers every column and the exports.

Every dashboard route asks `permits` before it reads or changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from bot.db.models import SAFEGUARDING_HANDOFF, Child, HandoffItem, Staff
from bot.staff.roles import ADMIN, KEY_PERSON, MANAGER, sees_safeguarding


class Action(Enum):
    """What a member of staff may be allowed to see or do."""

    VIEW_TODAY = "view_today"
    VIEW_INBOX = "view_inbox"
    VIEW_CHILD = "view_child"  # a child's page, their notices, marking them in, acknowledging
    VIEW_HANDOFF = "view_handoff"  # opening, replying to and closing a handoff
    REASSIGN_HANDOFF = "reassign_handoff"
    VIEW_DELIVERY_PROBLEMS = "view_delivery_problems"
    MANAGE_ROSTER = "manage_roster"
    VIEW_AUDIT = "view_audit"
    MANAGE_POLICIES = "manage_policies"  # upload documents, see unanswered questions, synonyms
    VIEW_MEETINGS = "view_meetings"  # everyone: a key person their own, managers all (ALL_MEETINGS)
    VIEW_ALL_MEETINGS = "view_all_meetings"
    BROADCAST = "broadcast"  # compose, send, cancel, status (and the setting must allow it)
    VIEW_EVENINGS = "view_evenings"  # everyone: a key person their own column
    VIEW_ALL_EVENINGS = "view_all_evenings"  # every column and the CSV / .ics exports


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in member of staff, as the policy sees them."""

    staff_id: int
    name: str
    roles: frozenset[str]
    room_id: int | None
    safeguarding: bool  # sees safeguarding items (bot.staff.roles.sees_safeguarding)

    @classmethod
    def of(cls, member: Staff) -> Viewer:
        return cls(
            member.id,
            member.name,
            frozenset(member.roles),
            member.room_id,
            sees_safeguarding(member),
        )

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""

    def holds(self, *roles: str) -> bool:
        """Whether the viewer holds any of `roles`."""
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True, slots=True)
class ChildFacts:
    """What the policy needs to know about a child."""

    room_id: int | None
    key_person_id: int | None

    @classmethod
    def of(cls, child: Child) -> ChildFacts:
        return cls(child.room_id, child.key_person_id)


@dataclass(frozen=True, slots=True)
class HandoffFacts:
    """What the policy needs to know about a handoff."""

    kind: str
    assigned_staff_id: int | None

    @classmethod
    def of(cls, item: HandoffItem) -> HandoffFacts:
        return cls(item.kind, item.assigned_staff_id)

    @property
    def safeguarding(self) -> bool:
        return self.kind == SAFEGUARDING_HANDOFF


Target = ChildFacts | HandoffFacts | None
_SCREENS = {
    Action.VIEW_TODAY: None,  # everyone
    Action.VIEW_INBOX: None,
    Action.VIEW_DELIVERY_PROBLEMS: (MANAGER, ADMIN),
    Action.MANAGE_ROSTER: (MANAGER, ADMIN),
    Action.VIEW_AUDIT: (MANAGER,),
    Action.MANAGE_POLICIES: (MANAGER,),
    Action.VIEW_MEETINGS: None,
    Action.VIEW_ALL_MEETINGS: (MANAGER,),
    Action.BROADCAST: (MANAGER, KEY_PERSON),
    Action.VIEW_EVENINGS: None,
    Action.VIEW_ALL_EVENINGS: (MANAGER,),
}


def permits(viewer: Viewer, action: Action, target: Target = None) -> bool:
    """Whether `viewer` may do `action` (to `target`, a child or a handoff, when it has one)."""
    if action in _SCREENS:
        roles = _SCREENS[action]
        return roles is None or viewer.holds(*roles)
    if action is Action.VIEW_CHILD and isinstance(target, ChildFacts):
        return _sees_child(viewer, target)
    if action is Action.VIEW_HANDOFF and isinstance(target, HandoffFacts):
        return _sees_handoff(viewer, target)
    if action is Action.REASSIGN_HANDOFF and isinstance(target, HandoffFacts):
        return _sees_handoff(viewer, target) and (
            target.safeguarding
            or viewer.holds(MANAGER)
            or target.assigned_staff_id == viewer.staff_id
        )
    return False


def may_take_over(assignee: Viewer, item: HandoffFacts) -> bool:
    """Whether a handoff may be reassigned to `assignee`: they must be allowed to see it then
    (a safeguarding item goes only to someone who sees safeguarding items)."""
    return _sees_handoff(assignee, replace(item, assigned_staff_id=assignee.staff_id))


def _sees_child(viewer: Viewer, child: ChildFacts) -> bool:
    if viewer.holds(MANAGER, ADMIN):
        return True
    in_room = viewer.room_id is not None and child.room_id == viewer.room_id
    return in_room or child.key_person_id == viewer.staff_id


def _sees_handoff(viewer: Viewer, item: HandoffFacts) -> bool:
    if item.safeguarding:
        return viewer.safeguarding
    return viewer.holds(MANAGER) or item.assigned_staff_id == viewer.staff_id
