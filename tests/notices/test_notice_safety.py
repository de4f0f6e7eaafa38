"""Notices are recorded only for the sender's own children, from the right people, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, AbsenceChase, Arrival, CollectionChange, HandoffItem
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.notices.support import LINDA, MARK, MIHAI, SARAH, STRANGER, count


@pytest.mark.parametrize(
    "text", ["Maya is off today, temperature", "Grandma is collecting Maya at 5", "register"]
)
def test_unknown_sender_records_nothing_and_learns_nothing(
    engine: Engine, sessions: sessionmaker[Session], text: str
) -> None:
    result = say(engine, STRANGER, text)
    replied = reply_text(result)
    for secret in ("Thompson", "Saplings", "Jess", "Maya is", "expected"):
        assert secret not in replied
    assert result.records == [] and result.staff_notifications == []
    for model in (Absence, CollectionChange, Arrival, AbsenceChase, HandoffItem):
        assert count(sessions, model) == 0


def test_a_guardian_naming_another_familys_child_is_refused(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Kuba Kowalski is off sick today")
    assert "I can only take notices for your own children" in reply_text(result)
    assert result.records == [] and count(sessions, Absence) == 0


@pytest.mark.parametrize("guardian", [LINDA, MIHAI])
def test_a_guardian_without_collection_permission_records_nothing(
    engine: Engine, sessions: sessionmaker[Session], guardian: str
) -> None:
    child = "Maya" if guardian == LINDA else "Andrei"
    result = say(engine, guardian, f"My neighbour Alan will pick up {child} today at 4pm")
    refusal = engine.catalog.text(
        "collection.no_permission", result.language, setting="Bramble Lane Nursery"
    )
    assert refusal in reply_text(result)
    assert result.records == [] and count(sessions, CollectionChange) == 0


def test_two_guardians_reporting_the_same_absence_make_one_record_both_acknowledged(
    make_engine_at: Callable[[datetime], Engine], sessions: sessionmaker[Session]
) -> None:
    engine = make_engine_at(MONDAY_MORNING)
    first = say(engine, SARAH, "Maya is off today, she has a temperature")
    second = say(engine, MARK, "Maya won't be in today, she's poorly")
    for result, name in ((first, "Sarah"), (second, "Mark")):
        assert f"Thanks {name}. Maya is marked absent today" in reply_text(result)
    with sessions() as session:
        [absence] = session.scalars(select(Absence)).all()
        assert len(absence.reported_by_guardian_ids) == 2
    assert any("Also reported by Mark Thompson" in n["text"] for n in second.staff_notifications)
