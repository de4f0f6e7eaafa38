"""The week as the whole core reads it: the one weekday table, open days and attendance days.

Opening hours (setting.toml) and attendance days (children.csv) name weekdays "mon" to "sun";
Python numbers them 0 (Monday) to 6. A setting that gives no opening hours opens Monday to Friday,
and a child with no attendance days comes every day of that working week.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # indexed by date.weekday()
WORKING_WEEK = WEEKDAYS[:5]
_DAY_NAMES = (
    {name: index for index, name in enumerate(WEEKDAYS)}
    | {
        full: index
        for index, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    }
    | {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
)


def weekday_of(word: str) -> int | None:
    """The weekday a word names ("Tue", "tuesday"), 0 = Monday, or None."""
    return _DAY_NAMES.get(word.strip().casefold().rstrip("."))


def weekday_key(day: date) -> str:
    """The day's weekday as opening hours and attendance days name it ("mon")."""
    return WEEKDAYS[day.weekday()]


def weekday_numbers(keys: Iterable[str]) -> frozenset[int]:
    """The weekdays these keys name, as numbers (0 = Monday); the working week when none."""
    return frozenset(WEEKDAYS.index(key) for key in keys) or frozenset(range(len(WORKING_WEEK)))


def is_open(day: date, open_weekdays: Collection[int], closed: Collection[date]) -> bool:
    """Whether a setting open on these weekdays, less its closed dates, opens on `day`."""
    return day.weekday() in open_weekdays and day not in closed


def attends_on(attendance_days: Collection[str], day: date) -> bool:
    """Whether a child who comes on these days (the working week when none) is expected."""
    return weekday_key(day) in (attendance_days or WORKING_WEEK)
