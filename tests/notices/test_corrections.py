"""Corrections in the parent's own words: cancel, a different day, "till next week", "one of"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence
from bot.pipeline.engine import Engine
from tests.core.helpers import reply_text, say
from tests.notices.support import SARAH, count


def _absences(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [
            (a.start.isoformat(), a.end.isoformat(), a.status)
            for a in session.scalars(select(Absence).order_by(Absence.id))
        ]


def test_cancel_that_right_after_an_absence_offers_to_withdraw_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Leo is off today, he has a cough")
    asked = say(engine, SARAH, "sorry, cancel that, he's fine now and coming in")
    [confirm] = [c for r in asked.replies for c in r.choices if c.id.startswith("notice:withdraw")]
    assert confirm.id == "notice:withdraw:A1" and "Leo" in reply_text(asked)
    assert _absences(sessions) == [("2026-11-23", "2026-11-23", "active")]  # not before the tap
    assert not asked.handoff and asked.records == []
    done = say(engine, SARAH, "", choice_id=confirm.id)
    assert _absences(sessions) == [("2026-11-23", "2026-11-23", "withdrawn")]
    assert [r["status"] for r in done.records] == ["withdrawn"]


def test_a_different_day_given_during_change_moves_the_absence(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    first = say(engine, SARAH, "Maya's off today, temperature")
    say(engine, SARAH, "", choice_id=first.replies[0].choices[0].id)  # Change
    moved = say(engine, SARAH, "actually it's tomorrow not today")
    assert _absences(sessions) == [
        ("2026-11-23", "2026-11-23", "withdrawn"),
        ("2026-11-24", "2026-11-24", "active"),
    ]
    assert [(r["start"], r["status"]) for r in moved.records] == [
        ("2026-11-23", "withdrawn"),
        ("2026-11-24", "active"),
    ]
    assert "marked absent tomorrow" in reply_text(moved)


def test_a_correction_right_after_the_read_back_moves_the_absence(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya's off today, temperature")
    moved = say(engine, SARAH, "sorry I meant tomorrow not today")
    assert _absences(sessions) == [
        ("2026-11-23", "2026-11-23", "withdrawn"),
        ("2026-11-24", "2026-11-24", "active"),
    ]
    assert [r["children"] for r in moved.records] == [["Maya Thompson"], ["Maya Thompson"]]


def test_wont_be_in_till_next_week_ends_before_next_week(engine: Engine) -> None:
    [record] = say(engine, SARAH, "Leo won't be in till next week").records
    assert (record["start"], record["end"]) == ("2026-11-23", "2026-11-27")


def test_one_of_the_kids_asks_which_child(engine: Engine, sessions: sessionmaker[Session]) -> None:
    result = say(engine, SARAH, "one of the kids is off tomorrow")
    assert "Which child is this about?" in reply_text(result)
    assert result.records == [] and count(sessions, Absence) == 0
    answered = say(engine, SARAH, "Leo")
    [record] = answered.records
    assert record["children"] == ["Leo Thompson"] and record["start"] == "2026-11-24"
