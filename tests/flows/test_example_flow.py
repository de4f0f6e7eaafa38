"""A flow added in one module (tests/flows/colour.py), driven end to end through the real
Engine, database and all: proof that a new flow needs its module, its messages and its cue words
(and its place in the table), and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.flows.registry import FLOWS, Registry
from bot.pipeline.engine import Engine
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import conversation, reply_text, say
from tests.flows import colour
from tests.notices.support import FIONA, SARAH, child_id


@pytest.fixture
def colour_engine(sessions: sessionmaker[Session], demo_setting: int) -> Engine:
    """The demo nursery's engine with the colour flow registered and its messages."""
    return Engine(
        sessions,
        demo_setting,
        clock=lambda: MONDAY_MORNING,
        flows=colour.REGISTERED,
        catalog=colour.catalog(),
    )


def test_its_button_asks_and_the_answer_in_words_ends_it(
    colour_engine: Engine, sessions: sessionmaker[Session]
) -> None:
    maya = child_id(sessions, "Maya")
    asked = say(colour_engine, SARAH, "", choice_id=f"colour:ask:{maya}", channel="webchat")
    assert reply_text(asked).startswith("What is Maya's favourite colour?")
    state, context = conversation(sessions)
    assert state == "colour:which" and context["colour"] == {"child": maya}
    answered = say(colour_engine, SARAH, "Blue, definitely", channel="webchat")
    assert reply_text(answered).startswith("Blue, lovely! We'll tell Maya's room.")
    assert conversation(sessions)[0] == "idle"


def test_a_word_that_is_no_colour_is_asked_about_again(
    colour_engine: Engine, sessions: sessionmaker[Session]
) -> None:
    maya = child_id(sessions, "Maya")
    say(colour_engine, SARAH, "", choice_id=f"colour:ask:{maya}", channel="webchat")
    again = say(colour_engine, SARAH, "hmm", channel="webchat")
    assert "which colour" in reply_text(again) and conversation(sessions)[0] == "colour:which"


def test_another_request_while_it_waits_starts_its_own_flow(
    colour_engine: Engine, sessions: sessionmaker[Session]
) -> None:
    leo = child_id(sessions, "Leo")
    say(colour_engine, SARAH, "", choice_id=f"colour:ask:{leo}", channel="webchat")
    result = say(
        colour_engine, SARAH, "Leo is off tomorrow, dentist appointment", channel="webchat"
    )
    assert [r["children"] for r in result.records] == [["Leo Thompson"]]


@pytest.mark.parametrize(
    ("flows", "sender"),
    [(colour.REGISTERED, FIONA), (FLOWS, SARAH)],
    ids=["another family's child", "the flow not registered"],
)
def test_its_button_has_expired(
    sessions: sessionmaker[Session], demo_setting: int, flows: Registry, sender: str
) -> None:
    engine = Engine(sessions, demo_setting, clock=lambda: MONDAY_MORNING, flows=flows)
    maya = child_id(sessions, "Maya")
    result = say(engine, sender, "", choice_id=f"colour:ask:{maya}", channel="webchat")
    assert "that button has expired" in reply_text(result) and "Maya" not in reply_text(result)
