"""Reading when staff want something sent: pure, against a fixed clock (Mon 23 Nov 08:15)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.staff.broadcast_commands import Compose, ComposeProblem, parse_broadcast
from bot.staff.when import WhenError, moment, quiet_until, recurrence

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("tomorrow at 8am", datetime(2026, 11, 24, 8, 0)),
        ("at 8am tomorrow", datetime(2026, 11, 24, 8, 0)),
        ("Fri 9:00", datetime(2026, 11, 27, 9, 0)),
        ("24 Nov 08:00", datetime(2026, 11, 24, 8, 0)),
        ("1 Dec 08:00", datetime(2026, 12, 1, 8, 0)),
        ("15:00", datetime(2026, 11, 23, 15, 0)),
        ("next Tuesday 7.30pm", datetime(2026, 12, 1, 19, 30)),
        ("Thu 18:15", datetime(2026, 11, 26, 18, 15)),
        ("Mon 07:00", datetime(2026, 11, 30, 7, 0)),  # today's 07:00 has passed: next Monday
        ("2026-11-25 9:00", datetime(2026, 11, 25, 9, 0)),
        ("tomorrow at 16.30", datetime(2026, 11, 24, 16, 30)),
    ],
)
def test_plain_words_name_one_moment(words: str, expected: datetime) -> None:
    assert moment(words, NOW) == expected.replace(tzinfo=NOW.tzinfo)


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ("8am", "already passed"),
        ("tomorrow", "Please give a time"),
        ("25:00 tomorrow", "not a time of day"),
        ("Mon to Fri 9:00", "more than one day"),
        ("blah 9:00", "couldn't tell which day"),
        ("2026-11-20 9:00", "already passed"),
        ("soon", "Please give a time"),
    ],
)
def test_unclear_words_say_what_to_write(words: str, problem: str) -> None:
    with pytest.raises(WhenError, match=problem):
        moment(words, NOW)


def test_every_names_weekdays_and_a_time() -> None:
    friday = recurrence("every Friday 15:00")
    assert friday.weekdays == {4} and friday.at == time(15, 0)
    assert friday.next_after(NOW) == datetime(2026, 11, 27, 15, 0, tzinfo=NOW.tzinfo)
    assert recurrence("every Mon and Wed 9am").weekdays == {0, 2}
    assert recurrence("every weekday 8:00").describe() == "every weekday at 08:00"


def test_quiet_hours_over_midnight_end_next_morning() -> None:
    late = NOW.replace(hour=21)
    assert quiet_until(late, "20:00-07:00") == datetime(2026, 11, 24, 7, 0, tzinfo=NOW.tzinfo)
    assert quiet_until(NOW.replace(hour=6), "20:00-07:00") == NOW.replace(hour=7, minute=0)
    assert quiet_until(NOW, "20:00-07:00") is None and quiet_until(NOW, None) is None


def test_the_broadcast_command_reads_rooms_time_urgency_and_text() -> None:
    assert parse_broadcast("broadcast to Oaks, Saplings Fri 9:00: Trip") == Compose(
        "Trip", ("Oaks", "Saplings"), "Fri 9:00"
    )
    assert parse_broadcast("broadcast Oaks: trip") == Compose("trip", ("Oaks",))
    assert parse_broadcast("broadcast urgent Closed today") == Compose("Closed today", urgent=True)
    assert parse_broadcast("remind every Friday 15:00: Books") == Compose(
        "Books", when="every Friday 15:00", kind="reminder"
    )
    assert isinstance(parse_broadcast("remind: Books"), ComposeProblem)
    assert parse_broadcast("broadcasting") is None
