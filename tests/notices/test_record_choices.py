"""Choices act on the notice they were shown with, and only choices really offered are honoured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, CollectionChange, HandoffItem
from bot.pipeline.engine import Engine, TurnResult
from tests.core.helpers import reply_text, say
from tests.notices.support import FIONA, MARK, SARAH, count

AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _choice(result: TurnResult, prefix: str) -> str:
    """The id of the choice offered in `result` that starts with `prefix`."""
    [found] = [c.id for r in result.replies for c in r.choices if c.id.startswith(prefix)]
    return found


def _first_of_two(engine: Engine, first: str) -> TurnResult:
    """The read-back of `first`, after which Leo's absence tomorrow is the latest notice."""
    result = say(engine, SARAH, first)
    say(engine, SARAH, "Leo is off tomorrow, dentist appointment")
    return result


def _statuses(sessions: sessionmaker[Session]) -> dict[int, str]:
    with sessions() as session:
        return {row.id: row.status for row in session.scalars(select(Absence))}


def test_withdraw_on_an_older_read_back_withdraws_that_notice_not_the_latest(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    withdraw = _choice(_first_of_two(engine, "Maya's off today, temperature"), "notice:withdraw:")
    assert withdraw == "notice:withdraw:A1"
    result = say(engine, SARAH, "", choice_id=withdraw)
    assert "withdrawn" in reply_text(result)
    assert _statuses(sessions) == {1: "withdrawn", 2: "active"}
    [record] = result.records
    assert record["children"] == ["Maya Thompson"] and record["status"] == "withdrawn"
    assert (record["start"], record["end"], record["refs"]) == ("2026-11-23", "2026-11-23", ["A1"])


def test_change_on_an_older_read_back_moves_that_notice(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    change = _choice(
        _first_of_two(engine, "Linda will pick up Maya today at 5pm"), "notice:change:"
    )
    assert change == "notice:change:C1"
    asked = say(engine, SARAH, "", choice_id=change)
    assert "Which day is this for?" in reply_text(asked)
    assert [r["status"] for r in asked.records] == ["active"]  # unchanged until the new day
    moved = say(engine, SARAH, "tomorrow")
    assert [(r["start"], r["status"]) for r in moved.records] == [
        ("2026-11-23", "withdrawn"),
        ("2026-11-24", "active"),
    ]
    with sessions() as session:
        changes = [
            (c.on_date.isoformat(), c.status) for c in session.scalars(select(CollectionChange))
        ]
    assert changes == [("2026-11-23", "withdrawn"), ("2026-11-24", "active")]
    assert _statuses(sessions) == {1: "active"}  # Leo's absence is untouched


def test_a_record_choice_for_someone_elses_notice_has_expired(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    first = say(engine, SARAH, "Maya's off today, temperature")
    withdraw = _choice(first, "notice:withdraw:")
    for guardian in (MARK, FIONA):  # Maya's father did not report it; Fiona is another family
        result = say(engine, guardian, "", choice_id=withdraw)
        assert "that button has expired" in reply_text(result)
    say(engine, SARAH, "", choice_id=withdraw)
    again = say(engine, SARAH, "", choice_id=withdraw)  # already withdrawn
    assert "that button has expired" in reply_text(again)
    assert count(sessions, Absence, Absence.status == "withdrawn") == 1


@pytest.mark.parametrize(
    "forged",
    [
        "date:9999-12-31",
        "date:not-a-date",
        "child:99999",
        "child:not-a-number",
        "chase:absent",
        "notice:withdraw:A999",
        "notice:withdraw:Z1",
        "notice:withdraw",
        "original:1",
        "original:99999999999999999999999",
        "notice:withdraw:A99999999999999999999",
        "language:pl",
    ],
)
def test_a_choice_never_offered_has_expired_and_the_question_is_asked_again(
    make_engine_at: Callable[[datetime], Engine], sessions: sessionmaker[Session], forged: str
) -> None:
    engine = make_engine_at(AFTERNOON)
    say(engine, SARAH, "Maya off", channel="webchat")
    # a tapped button sends its label as the text, which must not be read as an answer either
    result = say(engine, SARAH, "tomorrow, Tue 24 Nov", channel="webchat", choice_id=forged)
    text = reply_text(result)
    assert "that button has expired" in text and "Which day is this for?" in text
    assert result.records == [] and not result.handoff
    assert count(sessions, Absence) == 0 and count(sessions, HandoffItem) == 0
    answered = say(
        engine, SARAH, "", channel="webchat", choice_id=_choice(result, "date:2026-11-24")
    )
    assert [r["start"] for r in answered.records] == ["2026-11-24"]


def test_an_expired_button_with_nothing_pending_gets_the_polite_answer(engine: Engine) -> None:
    result = say(engine, SARAH, "", choice_id="date:9999-12-31")
    assert "that button has expired" in reply_text(result)
    assert result.records == [] and not result.handoff


def test_numbered_answers_map_to_the_record_choices_last_offered(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya's off today, temperature")
    second = say(engine, SARAH, "Leo is off tomorrow, dentist appointment")
    assert [c.id for c in second.replies[0].choices] == ["notice:change:A2", "notice:withdraw:A2"]
    say(engine, SARAH, "2")
    assert _statuses(sessions) == {1: "active", 2: "withdrawn"}


def test_withdrawing_an_older_notice_leaves_the_pending_question_open(
    make_engine_at: Callable[[datetime], Engine], sessions: sessionmaker[Session]
) -> None:
    engine = make_engine_at(AFTERNOON)
    older = say(engine, SARAH, "Leo is off tomorrow, dentist appointment")
    say(engine, SARAH, "Maya off")
    result = say(engine, SARAH, "", choice_id=_choice(older, "notice:withdraw:"))
    assert "withdrawn" in reply_text(result) and "Which day is this for?" in reply_text(result)
    answered = say(engine, SARAH, "Wednesday")
    assert [r["children"] for r in answered.records] == [["Maya Thompson"]]
    assert _statuses(sessions) == {1: "withdrawn", 2: "active"}
