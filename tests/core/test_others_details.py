"""Questions asking for another person's phone, address or e-mail are refused politely and never
read as the sender updating their own details; own updates and the setting's details still work."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import HandoffItem
from bot.i18n.names import parent_catalog
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say

SARAH, MAGDA = "+447700900101", "+447700900111"
OTHERS = [
    "what's Leo Thompson's mum's phone number?",
    "can I have Jess's number please",
    "what is Fiona Campbell's address",
    "whats isla's mums email",
    "could you give me the phone number of Isla's dad",
    "do you have the other parents contact details?",
    "can you send me my key person's mobile number",
    "where does Fiona Campbell live?",
]


def _refusal(language: str) -> str:
    """The curated refusal, with the demo setting's own phone and e-mail."""
    return parent_catalog().text(
        "safeguarding.others_details",
        language,
        phone="0113 496 0123",
        email="hello@bramblelane.example",
    )


def _handoffs(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(HandoffItem.id))) or 0


@pytest.mark.parametrize("text", OTHERS)
def test_question_about_someone_elses_details_is_refused_and_passed_nowhere(
    engine: Engine, sessions: sessionmaker[Session], text: str
) -> None:
    result = say(engine, SARAH, text)
    assert reply_text(result).strip() == _refusal("en")
    assert result.intent != "update_details"
    assert (result.handoff, result.staff_notifications, result.records) == (False, [], [])
    assert _handoffs(sessions) == 0


def test_refusal_is_in_the_parents_language(engine: Engine) -> None:
    result = say(engine, MAGDA, "Jaki jest numer telefonu mamy Isli?")
    assert reply_text(result).strip() == _refusal("pl")


@pytest.mark.parametrize(
    "text",
    ["my new number is 07700 900456", "We've moved, new address is 3 Oak Road, Leeds LS6 1AA"],
)
def test_own_new_details_are_still_an_update(
    engine: Engine, sessions: sessionmaker[Session], text: str
) -> None:
    result = say(engine, SARAH, text)
    assert result.intent == "update_details" and result.handoff is True
    assert _handoffs(sessions) == 1


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("what's your phone number?", "0113 496 0123"),
        ("what's the nursery's address?", "14 Bramble Lane, Leeds LS6 2AB"),
        ("what is your email address", "hello@bramblelane.example"),
    ],
)
def test_the_settings_own_details_are_answered(
    engine: Engine, sessions: sessionmaker[Session], text: str, fact: str
) -> None:
    result = say(engine, SARAH, text)
    assert fact in reply_text(result)
    assert result.handoff is False and _handoffs(sessions) == 0
