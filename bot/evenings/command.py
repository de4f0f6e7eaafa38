"""The manager's command that creates a parents' evening, parsed: pure, no database.

    parents evening Tue 1 Dec, Wed 2 Dec 15:30-19:00 10 min by Fri 27 Nov
        [break 17:00-17:20] [rooms Saplings, Seedlings]

Dates are a day and a month with an optional weekday (checked when given), the next such date on
or after today; the hours are the same every evening; the slot length is 5 to 60 minutes; the
reply-by date is before the first evening. Anything wrong is one `EveningError` naming the
problem, so the manager can correct the command."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
USAGE = "parents evening Tue 1 Dec, Wed 2 Dec 15:30-19:00 10 min by Fri 27 Nov"
_HEAD = re.compile(r"^\s*parents'?\s*evening\b", re.IGNORECASE)
_HOURS = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\b")
_SLOT = re.compile(r"\b(\d{1,3})\s*(?:min|mins|minutes|minute|m)\b", re.IGNORECASE)
_BY = re.compile(r"\b(?:by|reply by)\s+(.+?)(?=\s+(?:break|rooms?)\b|$)", re.IGNORECASE)
_BREAK = re.compile(r"\bbreak\s+(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})", re.IGNORECASE)
_ROOMS = re.compile(r"\brooms?\s+(.+)$", re.IGNORECASE)
_DATE = re.compile(r"^(?:([a-z]+)\.?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EveningSpec:
    """A parents' evening as the manager asked for it."""

    dates: tuple[date, ...]
    start: time
    end: time
    slot_minutes: int
    reply_by: date
    breaks: tuple[tuple[time, time], ...] = ()
    rooms: tuple[str, ...] = ()  # empty: every room

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the evening's row."""
        return {
            "dates": [day.isoformat() for day in self.dates],
            "start": self.start.isoformat("minutes"),
            "end": self.end.isoformat("minutes"),
            "slot_minutes": self.slot_minutes,
            "reply_by": self.reply_by.isoformat(),
            "breaks": [[a.isoformat("minutes"), b.isoformat("minutes")] for a, b in self.breaks],
            "rooms": list(self.rooms),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EveningSpec:
        """Read back what `to_json` wrote."""
        return cls(
            tuple(date.fromisoformat(day) for day in data["dates"]),
            time.fromisoformat(data["start"]),
            time.fromisoformat(data["end"]),
            int(data["slot_minutes"]),
            date.fromisoformat(data["reply_by"]),
            tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data["breaks"]),
            tuple(data["rooms"]),
        )


@dataclass(frozen=True, slots=True)
class EveningError:
    """Why the command was not understood (English, for staff)."""

    problem: str


def is_evening_command(text: str) -> bool:
    """Whether the message is the parents' evening command (well formed or not)."""
    return bool(_HEAD.match(text))


def parse_evening(text: str, today: date) -> EveningSpec | EveningError:
    """The command's evening, or what is wrong with it."""
    rest = _HEAD.sub("", text, count=1).strip()
    rooms, rest = _take(_ROOMS, rest)
    breaks_found = [(_t(m[1], m[2]), _t(m[3], m[4])) for m in _BREAK.finditer(rest)]
    rest = _BREAK.sub("", rest)
    hours = _HOURS.search(rest)
    if hours is None:
        return EveningError(f"give the hours, e.g. 15:30-19:00. Example: {USAGE}")
    start, end = _t(hours[1], hours[2]), _t(hours[3], hours[4])
    if None in (start, end) or start is None or end is None or start >= end:
        return EveningError(f"the hours {hours[0]} are not a start and a later end time")
    slot = _SLOT.search(rest[hours.end() :])
    if slot is None or not 5 <= int(slot[1]) <= 60:
        return EveningError("give the slot length in minutes, 5 to 60, e.g. 10 min")
    by = _BY.search(rest[hours.end() :])
    if by is None:
        return EveningError(f"give the reply-by date, e.g. by Fri 27 Nov. Example: {USAGE}")
    reply_by = _date(by[1].strip(), today)
    if isinstance(reply_by, EveningError):
        return reply_by
    dates: list[date] = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", rest[: hours.start()].strip()):
        if not part:
            continue
        day = _date(part, today)
        if isinstance(day, EveningError):
            return day
        dates.append(day)
    return _checked(dates, start, end, int(slot[1]), reply_by, breaks_found, rooms, today)


def _checked(
    dates: list[date],
    start: time,
    end: time,
    slot: int,
    reply_by: date,
    breaks_found: list[tuple[time | None, time | None]],
    rooms: str,
    today: date,
) -> EveningSpec | EveningError:
    if not dates:
        return EveningError(f"give the evening's dates, e.g. Tue 1 Dec, Wed 2 Dec. {USAGE}")
    if len(dates) > 4:
        return EveningError("at most 4 evenings in one command")
    if reply_by < today or reply_by >= min(dates):
        return EveningError("the reply-by date must be from today and before the first evening")
    breaks: list[tuple[time, time]] = []
    for a, b in breaks_found:
        if a is None or b is None or not start <= a < b <= end:
            return EveningError("a break must be a start and a later end inside the hours")
        breaks.append((a, b))
    names = tuple(name.strip() for name in re.split(r"\s*,\s*|\s+and\s+", rooms) if name.strip())
    return EveningSpec(tuple(sorted(set(dates))), start, end, slot, reply_by, tuple(breaks), names)


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    found = pattern.search(text)
    if found is None:
        return "", text
    return found[1].strip(), text[: found.start()] + text[found.end() :]


def _t(hour: str, minute: str) -> time | None:
    if int(hour) > 23 or int(minute) > 59:
        return None
    return time(int(hour), int(minute))


def _date(text: str, today: date) -> date | EveningError:
    """ "Tue 1 Dec" -> the next 1 December on or after today (the weekday checked)."""
    found = _DATE.match(text.strip())
    month = found[3][:3].casefold() if found else ""
    if found is None or month not in MONTHS:
        return EveningError(f'"{text}" is not a date like Tue 1 Dec')
    for year in (today.year, today.year + 1):
        try:
            day = date(year, MONTHS.index(month) + 1, int(found[2]))
        except ValueError:
            return EveningError(f'"{text}" is not a date')
        if day >= today:
            break
    weekday = (found[1] or "")[:3].casefold()
    if weekday and weekday != WEEKDAYS[day.weekday()]:
        return EveningError(f"{day.day} {found[3]} is a {day.strftime('%A')}, not {found[1]}")
    return day
