"""The one policy every dashboard route asks: who may see or do what."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import SAFEGUARDING_HANDOFF, Staff
from bot.staff.access import Action, ChildFacts, HandoffFacts, Viewer, may_take_over, permits
from bot.staff.roles import sees_safeguarding


def _viewer(staff_id: int, *roles: str, room: int | None = None, lead: bool = False) -> Viewer:
    return Viewer(staff_id, f"Member {staff_id}", frozenset(roles), room, lead)


KEY_PERSON = _viewer(2, "key_person", room=1)
PRACTITIONER = _viewer(5, "practitioner", room=2)
MANAGER = _viewer(1, "manager", lead=True)
ADMIN = _viewer(6, "admin")
LEAD = _viewer(3, "key_person", "safeguarding_lead", room=2, lead=True)


def test_a_key_person_sees_their_room_and_their_key_children_only() -> None:
    assert permits(KEY_PERSON, Action.VIEW_CHILD, ChildFacts(room_id=1, key_person_id=9))
    assert permits(KEY_PERSON, Action.VIEW_CHILD, ChildFacts(room_id=3, key_person_id=2))
    assert not permits(KEY_PERSON, Action.VIEW_CHILD, ChildFacts(room_id=2, key_person_id=3))
    assert not permits(KEY_PERSON, Action.VIEW_CHILD, ChildFacts(room_id=None, key_person_id=None))
    assert permits(PRACTITIONER, Action.VIEW_CHILD, ChildFacts(room_id=2, key_person_id=3))


def test_managers_and_admins_see_every_child() -> None:
    for viewer in (MANAGER, ADMIN):
        assert permits(viewer, Action.VIEW_CHILD, ChildFacts(room_id=None, key_person_id=None))


def test_handoffs_are_seen_by_whom_they_are_routed_to_and_managers() -> None:
    concern = HandoffFacts("concern", assigned_staff_id=2)
    assert permits(KEY_PERSON, Action.VIEW_HANDOFF, concern)
    assert permits(MANAGER, Action.VIEW_HANDOFF, concern)
    assert not permits(PRACTITIONER, Action.VIEW_HANDOFF, concern)
    assert not permits(ADMIN, Action.VIEW_HANDOFF, concern)


def test_safeguarding_items_are_seen_only_by_those_who_see_safeguarding() -> None:
    item = HandoffFacts(SAFEGUARDING_HANDOFF, assigned_staff_id=2)  # even if routed to them
    assert not permits(KEY_PERSON, Action.VIEW_HANDOFF, item)
    assert not permits(ADMIN, Action.VIEW_HANDOFF, item)
    assert permits(LEAD, Action.VIEW_HANDOFF, item)
    assert permits(MANAGER, Action.VIEW_HANDOFF, item)
    assert not may_take_over(KEY_PERSON, item), "never passed to someone who may not see it"
    assert may_take_over(LEAD, item)


def test_the_policy_follows_the_roles_module_on_safeguarding(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    item = HandoffFacts(SAFEGUARDING_HANDOFF, assigned_staff_id=None)
    with sessions() as session:
        for member in session.scalars(select(Staff)):
            viewer = Viewer.of(member)
            assert permits(viewer, Action.VIEW_HANDOFF, item) is sees_safeguarding(member)


def test_reassigning_is_for_managers_the_owner_and_safeguarding_leads() -> None:
    mine = HandoffFacts("concern", assigned_staff_id=2)
    assert permits(KEY_PERSON, Action.REASSIGN_HANDOFF, mine)
    assert permits(MANAGER, Action.REASSIGN_HANDOFF, mine)
    assert not permits(PRACTITIONER, Action.REASSIGN_HANDOFF, mine)
    assert may_take_over(PRACTITIONER, mine)


def test_office_screens_by_role() -> None:
    expected = {
        KEY_PERSON: set(),
        PRACTITIONER: set(),
        ADMIN: {Action.VIEW_DELIVERY_PROBLEMS, Action.MANAGE_ROSTER},
        MANAGER: {Action.VIEW_DELIVERY_PROBLEMS, Action.MANAGE_ROSTER, Action.VIEW_AUDIT},
    }
    office = (Action.VIEW_DELIVERY_PROBLEMS, Action.MANAGE_ROSTER, Action.VIEW_AUDIT)
    for viewer, allowed in expected.items():
        assert {action for action in office if permits(viewer, action)} == allowed
        assert permits(viewer, Action.VIEW_TODAY) and permits(viewer, Action.VIEW_INBOX)


def test_an_action_that_needs_a_target_is_refused_without_one() -> None:
    assert not permits(MANAGER, Action.VIEW_CHILD)
    assert not permits(MANAGER, Action.VIEW_HANDOFF, ChildFacts(None, None))
