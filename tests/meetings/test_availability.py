"""Meeting hours and free slots, pure: parsing, closed days, bookings, notice, spreading."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.availability import (
    HoursError,
    Window,
    free_slots,
    hours_text,
    parse_hours,
    spread,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 8, 15, tzinfo=LONDON)


def _slots(**given: object) -> list[datetime]:
    values: dict[str, object] = {
        "earliest": MONDAY,
        "last_day": date(2026, 12, 4),
        "minutes": 20,
        "timezone": "Europe/London",
        "open_weekdays": frozenset(range(5)),
    } | given
    windows = parse_hours("Tue 16:00-18:00; Thu 07:30-08:30")
    return [slot.start for slot in free_slots(windows, **values)]  # type: ignore[arg-type]


def test_hours_are_read_and_written_back_tidily() -> None:
    windows = parse_hours("thu 07:30-08:30;  Tuesday 16:00-17:00, 17:30-18:00")
    assert windows[0] == Window(1, datetime(1, 1, 1, 16).time(), datetime(1, 1, 1, 17).time())
    assert hours_text(windows) == "Tue 16:00-17:00; Tue 17:30-18:00; Thu 07:30-08:30"
    assert parse_hours("") == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Tue", "has no times"),
        ("Tues 9-10", "is not a time span"),
        ("Funday 16:00-18:00", "is not a day"),
        ("Tue 18:00-16:00", "ends before it starts"),
        ("Tue 16:00-18:00, 17:00-19:00", "overlap"),
        ("Tue 25:00-26:00", "is not a time span"),
    ],
)
def test_unreadable_hours_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(HoursError, match=problem):
        parse_hours(text)


def test_slots_fill_each_window_from_the_earliest_bookable_moment() -> None:
    slots = _slots(earliest=MONDAY + timedelta(hours=24))
    assert slots[0] == datetime(2026, 11, 24, 16, 0, tzinfo=LONDON)
    assert slots[5] == datetime(2026, 11, 24, 17, 40, tzinfo=LONDON)
    assert datetime(2026, 11, 26, 7, 30, tzinfo=LONDON) in slots
    assert all(slot >= MONDAY + timedelta(hours=24) for slot in slots)


def test_closed_days_and_booked_meetings_are_never_offered() -> None:
    booked = datetime(2026, 11, 24, 16, 20, tzinfo=LONDON)
    slots = _slots(
        closed=frozenset({date(2026, 11, 26)}),
        busy=[(booked, booked + timedelta(minutes=20))],
    )
    assert booked not in slots
    assert not any(slot.date() == date(2026, 11, 26) for slot in slots)
    assert datetime(2026, 11, 24, 16, 0, tzinfo=LONDON) in slots


def test_a_booking_overlapping_part_of_a_slot_takes_the_slot() -> None:
    booked = datetime(2026, 11, 24, 16, 30, tzinfo=LONDON)  # e.g. a parents' evening slot
    slots = _slots(busy=[(booked, booked + timedelta(minutes=10))])
    assert datetime(2026, 11, 24, 16, 20, tzinfo=LONDON) not in slots


def test_offers_are_six_at_most_spread_over_at_least_two_days() -> None:
    chosen = spread(
        [
            slot
            for slot in free_slots(
                parse_hours("Tue 16:00-18:00; Thu 07:30-08:30"),
                earliest=MONDAY,
                last_day=date(2026, 12, 4),
                minutes=20,
                timezone="Europe/London",
            )
        ]
    )
    assert len(chosen) == 6
    assert len({slot.start.date() for slot in chosen}) >= 2
    assert chosen == sorted(chosen)
