"""A child signed in today and then reported absent: the parent is asked, the room is told, and
the register lists the child once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say
from tests.notices.support import JESS, PRIYA, SARAH, count

SIGNED_IN = datetime(2026, 11, 23, 8, 2, tzinfo=UTC)  # Monday 08:02 in London
LATER = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def _register(engine: Engine) -> str:
    return reply_text(say(engine, PRIYA, "register"))


def test_an_absence_for_a_child_signed_in_today_is_questioned_and_the_room_told(
    make_engine_at: Callable[[datetime], Engine], sessions: sessionmaker[Session]
) -> None:
    say(make_engine_at(SIGNED_IN), JESS, "arrived Maya")
    engine = make_engine_at(LATER)
    result = say(engine, SARAH, "Maya's off today, temperature")
    assert "Maya was signed in at 08:02 today: is this about another day?" in reply_text(result)
    assert result.records == [] and count(sessions, Absence) == 0
    told = {n["to"] for n in result.staff_notifications}
    assert "Jess Hughes" in told  # Maya's key person, in Saplings
    assert all("08:02" in n["text"] for n in result.staff_notifications)
    answered = say(engine, SARAH, "tomorrow")
    assert [r["start"] for r in answered.records] == ["2026-11-24"]
    assert _register(engine).count("Maya Thompson") == 1


def test_the_register_never_lists_a_child_twice(
    make_engine_at: Callable[[datetime], Engine],
) -> None:
    engine = make_engine_at(SIGNED_IN)
    say(engine, SARAH, "Maya's off today, temperature")
    say(engine, JESS, "arrived Maya")  # she came in after all
    text = _register(engine)
    assert text.count("Maya Thompson") == 1
    assert text.startswith("Register Mon 23 Nov: 12 expected, 1 in, 0 absent, 11 not yet seen.")
    assert "Maya Thompson 08:02" in text.split("Absent:")[0]
