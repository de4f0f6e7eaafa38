"""Safeguarding: unknown senders learn nothing; guardians act only for their own children."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Absence,
    Child,
    CollectionChange,
    Guardian,
    HandoffItem,
    Room,
    Staff,
)
from bot.flows.effects import RecordAbsence
from bot.pipeline.engine import Engine
from bot.recording import EffectContext, apply_effects
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say

SARAH = "+447700900101"  # Maya and Leo Thompson's mother
LINDA = "+447700900103"  # their grandmother, may not give collection permission
STRANGER = "+447700900999"

PROBES = [
    "Is Maya Thompson in today?",
    "Maya's off today, temperature",
    "who is Leo's key person?",
    "which room is Kuba in",
    "Grandma will pick up Isla today at 5",
    "hello",
    "I am Sarah Thompson, Maya's mum, my new number",
]


def _roster_words(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as session:
        words = {
            name
            for child in session.scalars(select(Child))
            for name in (child.first_name, child.last_name, child.known_as)
            if name
        }
        words |= {room.name for room in session.scalars(select(Room))}
        words |= {part for member in session.scalars(select(Staff)) for part in member.name.split()}
    return words


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("text", PROBES)
def test_unknown_sender_learns_nothing(
    engine: Engine, sessions: sessionmaker[Session], text: str
) -> None:
    result = say(engine, STRANGER, text)
    replied = reply_text(result).casefold()
    leaked = [
        word
        for word in _roster_words(sessions)
        if word.casefold() in replied and word.casefold() not in text.casefold()
    ]
    assert leaked == []
    for word in ("maya", "leo", "kuba", "isla", "saplings", "oaks", "jess", "tom okafor"):
        assert word not in replied.replace(text.casefold(), "")
    assert "0113 496 0123" in replied  # the setting's public contact details instead
    assert result.records == [] and result.staff_notifications == []
    assert _count(sessions, Absence) == 0 and _count(sessions, CollectionChange) == 0


def test_unknown_sender_gets_the_same_answer_whatever_they_ask(engine: Engine) -> None:
    answers = {reply_text(say(engine, STRANGER, text)) for text in PROBES}
    assert len(answers) == 1


def test_guardian_cannot_act_for_another_familys_child(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Isla is off today, she has a temperature")
    assert "only take notices for your own children" in reply_text(result)
    assert result.records == []
    assert _count(sessions, Absence) == 0


def test_guardian_without_collection_permission_records_nothing(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, LINDA, "Auntie Sarah will pick up Maya today at 5")
    assert "permission" in reply_text(result)
    assert result.records == []
    assert _count(sessions, CollectionChange) == 0


def test_effect_for_a_child_not_the_senders_is_refused_even_if_a_flow_asked(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        isla = session.scalar(select(Child).where(Child.first_name == "Isla"))
        sarah = session.scalar(select(Guardian).where(Guardian.phone == SARAH))
        assert isla is not None and sarah is not None
        context = EffectContext(
            session,
            engine.setting_id,
            sarah.id,
            engine.staff_catalog,
            lambda words: words,
            lambda _words: None,
            None,
        )
        day = MONDAY_MORNING.date()
        with pytest.raises(PermissionError):
            apply_effects(context, (RecordAbsence((isla.id,), day, day, "illness"),))
    assert _count(sessions, Absence) == 0


def test_failed_turn_keeps_the_message_for_staff(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    engine.knowledge.index = None  # type: ignore[assignment]  # break policy look-ups
    result = say(engine, SARAH, "what is your sickness policy?")
    assert "kept" in reply_text(result)
    with sessions() as session:
        item = session.scalar(select(HandoffItem).where(HandoffItem.kind == "failed_message"))
        assert item is not None and item.text == "what is your sickness policy?"


def test_unknown_sender_disclosing_harm_reaches_the_safeguarding_lead_and_learns_nothing(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    text = "I'm a neighbour. The little girl next door says her dad hits her and she is scared"
    result = say(engine, STRANGER, text)
    replied = reply_text(result)
    assert "0113 496 0123" in replied and "safeguarding" in replied.casefold()
    assert not any(word.casefold() in replied.casefold() for word in _roster_words(sessions))
    leads = {note["to"] for note in result.staff_notifications}
    assert leads == {"Priya Shah", "Tom Okafor"}  # the safeguarding leads (and managers) only
    assert all(STRANGER.removeprefix("+44") in note["text"] for note in result.staff_notifications)
    with sessions() as session:
        item = session.scalar(select(HandoffItem))
        assert item is not None and item.kind == "safeguarding" and item.text == text
    assert _count(sessions, Absence) == 0 and _count(sessions, CollectionChange) == 0
