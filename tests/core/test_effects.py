"""Effects everywhere, checked: staff commands decide and return effects, one step applies every
kind of effect, and an effect it does not know is an error rather than silently dropped."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import SAFEGUARDING_HANDOFF, Arrival, HandoffItem, Outbox, Setting, Staff
from bot.db.session import transaction
from bot.i18n.names import parent_catalog, staff_catalog
from bot.i18n.services import Translation
from bot.i18n.translator import NoTranslator
from bot.recording import EffectContext, apply_effects
from bot.staff.effects import MarkArrived, RefuseAnswer, SaveDraft
from bot.staff.handler import StaffRequest, StaffStep, handle
from tests.conftest import MONDAY_MORNING
from tests.notices.support import child_id

NOW = MONDAY_MORNING.astimezone(ZoneInfo("Europe/London"))


@dataclass(frozen=True)
class Unheard:
    """An effect no apply step was written for."""


def test_an_effect_nobody_applies_is_an_error_not_silently_dropped(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with pytest.raises(AssertionError), transaction(sessions) as session:
        context = EffectContext(session, demo_setting, None, staff_catalog())
        apply_effects(context, [Unheard()])  # type: ignore[list-item]


def _decide(session: Session, setting_id: int, staff_name: str, text: str) -> StaffStep:
    """A staff command decided, as the engine's staff turn does before applying it."""
    setting = session.get_one(Setting, setting_id)
    staff = session.scalars(select(Staff).where(Staff.name == staff_name)).one()
    languages = Translation(NoTranslator()).for_turn(session, setting_id)
    catalogs = (parent_catalog(), staff_catalog())
    return handle(StaffRequest(session, setting, staff, text, NOW, *catalogs, languages))


def test_a_staff_command_writes_nothing_until_its_effects_are_applied(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    maya = child_id(sessions, "Maya")
    with transaction(sessions) as session:
        step = _decide(session, demo_setting, "Jess Hughes", "arrived Maya")
        assert step.effects == (MarkArrived((maya,), NOW),)
        assert "Marked in at 08:15: Maya Thompson" in step.replies[0].text
        assert session.scalar(select(Arrival)) is None
        jess = session.scalars(select(Staff.id).where(Staff.name == "Jess Hughes")).one()
        context = EffectContext(session, demo_setting, None, staff_catalog(), staff_id=jess)
        apply_effects(context, step.effects)
        assert session.scalars(select(Arrival.child_id)).all() == [maya]
        assert context.records[0]["type"] == "arrival"


def test_only_a_manager_is_given_a_broadcast_to_preview(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with sessions() as session:
        refused = _decide(session, demo_setting, "Jess Hughes", "broadcast Closed tomorrow.")
        sent = _decide(session, demo_setting, "Priya Shah", "broadcast Closed tomorrow.")
    assert refused.effects == () and "Only managers" in refused.replies[0].text
    [draft] = sent.effects
    assert isinstance(draft, SaveDraft) and draft.text == "Closed tomorrow." and not draft.rooms
    assert "nothing is sent yet" in sent.replies[0].text  # a preview; sending is a second step


def test_a_safeguarding_reply_from_a_key_person_is_refused_and_only_audited(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:
        item = HandoffItem(
            setting_id=demo_setting, kind=SAFEGUARDING_HANDOFF, text="...", guardian_id=1
        )
        session.add(item)
        session.flush()
        step = _decide(session, demo_setting, "Jess Hughes", f"reply H{item.id} All fine.")
        assert step.effects == (RefuseAnswer(item.id, SAFEGUARDING_HANDOFF),)
        lead = _decide(session, demo_setting, "Tom Okafor", f"reply H{item.id} All fine.")
        assert [type(effect).__name__ for effect in lead.effects] == ["AnswerHandoff"]
        assert session.scalar(select(Outbox)) is None
