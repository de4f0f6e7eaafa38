"""Staff meeting hours and free slots, pure: no database, no clock.

Hours are written as in staff.csv's `meeting_hours` column and the `free` staff command:
`Tue 16:00-18:00; Thu 07:30-08:30` (local time of the setting; a day may have several windows,
`Tue 08:00-09:00, 16:00-18:00`). `free_slots` is the one computation of what can be offered:
the availability windows, less closed days, less booked meetings, from the earliest moment
bookable to the horizon.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate, pairwise
from zoneinfo import ZoneInfo

from bot.calendar import WEEKDAYS, is_open, weekday_of

_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """Meeting hours that cannot be read; the message says what is expected."""


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """A weekly window a member of staff can meet in: weekday (0 = Monday), local start, end."""

    weekday: int
    start: time
    end: time

    def text(self) -> str:
        """As written in staff.csv: "Tue 16:00-18:00"."""
        day = WEEKDAYS[self.weekday].capitalize()
        return f"{day} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One bookable meeting time (aware datetimes)."""

    start: datetime
    end: datetime


def parse_hours(text: str) -> tuple[Window, ...]:
    """`Tue 16:00-18:00; Thu 07:30-08:30` -> windows, sorted; "" -> none. Raises HoursError."""
    windows: list[Window] = []
    for part in (piece.strip() for piece in text.split(";")):
        if not part:
            continue
        day_word, _, spans = part.partition(" ")
        weekday = weekday_of(day_word)
        if weekday is None:
            raise HoursError(f"{day_word!r} is not a day (write e.g. Tue 16:00-18:00)")
        if not spans.strip():
            raise HoursError(f"{part!r} has no times (write e.g. {day_word} 16:00-18:00)")
        windows += [_window(weekday, span.strip()) for span in spans.split(",")]
    _check_overlaps(windows)
    return tuple(sorted(windows))


def _window(weekday: int, span: str) -> Window:
    match = _WINDOW.match(span)
    bad = HoursError(f"{span!r} is not a time span (write e.g. 16:00-18:00)")
    if not match:
        raise bad
    hours_1, minutes_1, hours_2, minutes_2 = (int(value) for value in match.groups())
    if max(hours_1, hours_2) > 23 or max(minutes_1, minutes_2) > 59:
        raise bad
    start, end = time(hours_1, minutes_1), time(hours_2, minutes_2)
    if end <= start:
        raise HoursError(f"{span!r} ends before it starts")
    return Window(weekday, start, end)


def _check_overlaps(windows: list[Window]) -> None:
    ordered = sorted(windows)
    for first, second in pairwise(ordered):
        if first.weekday == second.weekday and second.start < first.end:
            raise HoursError(f"{first.text()} and {second.text()} overlap")


def hours_text(windows: Iterable[Window]) -> str:
    """Windows written back as staff.csv holds them: "Tue 16:00-18:00; Thu 07:30-08:30"."""
    return "; ".join(window.text() for window in sorted(windows))


def with_day(windows: Iterable[Window], weekday: int, new: Iterable[Window]) -> tuple[Window, ...]:
    """The windows with one weekday's replaced by `new` (none: that day is no longer free)."""
    kept = [window for window in windows if window.weekday != weekday]
    return tuple(sorted([*kept, *new]))


def free_slots(
    windows: Iterable[Window],
    *,
    earliest: datetime,
    last_day: date,
    minutes: int,
    timezone: str,
    busy: Iterable[tuple[datetime, datetime]] = (),
    open_weekdays: frozenset[int] = frozenset(range(7)),
    closed: frozenset[date] = frozenset(),
) -> list[Slot]:
    """Every slot of `minutes` inside the windows, from `earliest` to the end of `last_day`, on
    open days only, overlapping no busy interval (booked meetings); in time order."""
    zone = ZoneInfo(timezone)
    by_day: dict[int, list[Window]] = {}
    for window in windows:
        by_day.setdefault(window.weekday, []).append(window)
    taken = sorted((start.timestamp(), end.timestamp()) for start, end in busy)
    starts = [start for start, _ in taken]
    latest_end = list(accumulate((end for _, end in taken), max))
    length = timedelta(minutes=minutes)
    slots: list[Slot] = []
    day = earliest.astimezone(zone).date()
    while day <= last_day:
        if is_open(day, open_weekdays, closed):
            for window in sorted(by_day.get(day.weekday(), ())):
                slots += _window_slots(window, day, zone, length, earliest, (latest_end, starts))
        day += timedelta(days=1)
    return slots


def _window_slots(
    window: Window,
    day: date,
    zone: ZoneInfo,
    length: timedelta,
    earliest: datetime,
    busy: tuple[list[float], list[float]],
) -> list[Slot]:
    """The window's slots on `day` from `earliest`, overlapping no busy interval (epoch
    seconds: latest ends and starts, sorted by start; numbers compare faster than aware
    datetimes)."""
    latest_end, starts = busy
    start = datetime.combine(day, window.start, zone)
    end = datetime.combine(day, window.end, zone)
    found = []
    while start + length <= end:
        slot_end = start + length
        if start >= earliest and not _overlaps(latest_end, starts, start, slot_end):
            found.append(Slot(start, slot_end))
        start = slot_end
    return found


def _overlaps(latest_end: list[float], starts: list[float], start: datetime, end: datetime) -> bool:
    """Whether a busy interval starting before `end` ends after `start`: the latest end among
    the intervals starting before `end` (a running maximum) says it."""
    index = bisect_left(starts, end.timestamp())
    return index > 0 and latest_end[index - 1] > start.timestamp()


def spread(slots: list[Slot], most: int = 6) -> list[Slot]:
    """Up to `most` slots to offer, over as many days as allow: each day's first and last slot
    (an early and a late time) in day order, then any others; in time order."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.date(), []).append(slot)
    chosen: list[Slot] = []
    for day_slots in days.values():
        for slot in dict.fromkeys((day_slots[0], day_slots[-1])):
            if len(chosen) < most:
                chosen.append(slot)
    for slot in slots:
        if len(chosen) >= most:
            break
        if slot not in chosen:
            chosen.append(slot)
    return sorted(chosen)
