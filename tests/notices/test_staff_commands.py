"""Staff chat commands: the register, marking arrivals, acknowledging notices, help."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, Arrival, Child, CollectionChange, Outbox, Setting
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from bot.staff.commands import Acknowledge, Arrived, Help, Register, match_children, parse
from bot.types import ChildRef
from tests.core.helpers import reply_text, say
from tests.notices.support import FIONA, JESS, MAGDA, PRIYA, SARAH, count, outbox

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("register", Register()),
        ("Today", Register()),
        ("arrived Maya", Arrived(("Maya",))),
        ("in Maya, Leo and Kuba", Arrived(("Maya", "Leo", "Kuba"))),
        ("ack A12", Acknowledge("A", 12)),
        ("ack c7", Acknowledge("C", 7)),
        ("ack 12", Help()),
        ("arrived", Help()),
        ("Maya is off today", Help()),
    ],
)
def test_staff_messages_parse_into_commands(text: str, command: object) -> None:
    assert parse(text) == command


def test_children_match_by_first_known_as_or_full_name_ignoring_case() -> None:
    maya = ChildRef(1, "Maya", "Thompson")
    kuba = ChildRef(2, "Jakub", "Kowalski", "Kuba")
    other_maya = ChildRef(3, "Maya", "Smith")
    children = [maya, kuba, other_maya]
    assert match_children(children, "maya") == [maya, other_maya]
    assert match_children(children, "MAYA  thompson") == [maya]
    assert match_children(children, "kuba") == match_children(children, "Jakub Kowalski") == [kuba]
    assert match_children(children, "Leo") == []


def test_arrived_marks_children_in_and_the_register_shows_them(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, JESS, "in Maya, Kuba")
    assert "Marked in at 08:15: Maya Thompson, Kuba Kowalski" in reply_text(result)
    assert result.records[0]["type"] == "arrival" and result.records[0]["time"] == "08:15"
    assert count(sessions, Arrival) == 2
    again = say(engine, PRIYA, "arrived maya")
    assert "already marked in at 08:15" in reply_text(again)
    assert count(sessions, Arrival) == 2


def test_an_unknown_or_ambiguous_name_is_not_marked_in(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, JESS, "arrived Zara")
    assert "couldn't find a child called Zara" in reply_text(result)
    assert count(sessions, Arrival) == 0
    with transaction(sessions) as session:
        setting_id = session.scalar(select(Setting.id))
        session.add(Child(setting_id=setting_id, first_name="Maya", last_name="Smith"))
    result = say(engine, JESS, "arrived Maya")
    assert "could be Maya Thompson or Maya Smith" in reply_text(result)
    assert count(sessions, Arrival) == 0


def test_register_lists_expected_arrived_absent_collections_and_not_yet_seen(
    make_engine_at: Callable[[datetime], Engine],
) -> None:
    engine = make_engine_at(NINE)
    say(engine, SARAH, "Leo is off today, he has a temperature")
    say(engine, JESS, "arrived Maya")
    text = reply_text(say(engine, PRIYA, "register"))
    assert text.startswith("Register Mon 23 Nov: 12 expected, 1 in, 1 absent, 10 not yet seen.")
    assert "In: Maya Thompson 09:00" in text
    assert "Leo Thompson (illness: temperature, A1, not yet acknowledged)" in text
    assert "Kuba Kowalski" in text.split("Not yet seen:")[1]
    assert "Fatima" not in text  # not expected on Mondays


def test_ack_marks_the_notice_seen_and_tells_the_parent_in_their_language(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, MAGDA, "Kuba jest dzisiaj chory, ma gorączkę")
    with sessions() as session:
        absence = session.scalars(select(Absence)).one()
    result = say(engine, JESS, f"ack A{absence.id}")
    assert f"Acknowledged A{absence.id}" in reply_text(result)
    assert "told Magda Kowalska" in reply_text(result)
    with sessions() as session:
        assert session.get_one(Absence, absence.id).acknowledged_by_staff_id is not None
    [told] = outbox(sessions, Outbox.kind == "acknowledgement")
    assert told.recipient_id == MAGDA and "Jess" in told.text and "Kuba" in told.text
    assert "has seen" not in told.text  # Polish, not English
    again = say(engine, PRIYA, f"ack A{absence.id}")
    assert "already acknowledged by Jess Hughes" in reply_text(again)
    assert len(outbox(sessions, Outbox.kind == "acknowledgement")) == 1


def test_ack_of_a_collection_change_tells_the_guardian_who_sent_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Linda will pick up Maya today at 5pm")
    with sessions() as session:
        change = session.scalars(select(CollectionChange)).one()
    say(engine, JESS, f"ack C{change.id}")
    [told] = outbox(sessions, Outbox.kind == "acknowledgement")
    assert told.recipient_id == SARAH
    assert told.text == "Jess has seen your message about Maya."


def test_parents_are_not_told_when_the_setting_turns_the_option_off(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        setting = session.scalars(select(Setting)).one()
        setting.options = setting.options | {"tell_parent_when_acknowledged": False}
    say(engine, FIONA, "Isla is off today")
    say(engine, JESS, "ack A1")
    assert outbox(sessions, Outbox.kind == "acknowledgement") == []


def test_ack_of_an_unknown_notice_changes_nothing(engine: Engine) -> None:
    assert "couldn't find notice A99" in reply_text(say(engine, JESS, "ack A99"))


def test_staff_never_get_parent_flows_and_unknown_commands_get_the_staff_help(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, JESS, "Maya is off today, temperature")
    assert "Staff commands" in reply_text(result)
    assert result.records == [] and count(sessions, Absence) == 0
