"""When staff want something sent, in plain words: "tomorrow at 8am", "at 8am tomorrow",
"Fri 9:00" (next week's Friday once this Friday's 9:00 has passed), "24 Nov 08:00",
"2026-11-26 18:15", "every Friday 15:00", "every day at 7:45"; and the quiet hours a
non-urgent send waits out. Pure: the day words are the parents' date reader's
(bot.nlu.dates, English lexicon), the time of day is read here. Errors say what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.calendar import weekday_of
from bot.nlu.dates import extract
from bot.nlu.text import Text

ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
_TIME = re.compile(
    r"(?<![\d/])(?:\bat\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d/])",
    re.IGNORECASE,
)
_NOON = re.compile(r"(?:\bat\s+)?\b(noon|midday)\b", re.IGNORECASE)
_EVERY = re.compile(r"^\s*every\s+", re.IGNORECASE)
_EVERY_DAY = re.compile(r"^(?:day|weekday|morning|open day)s?\b", re.IGNORECASE)
_FILLER = re.compile(r"\b(?:at|on|the)\b|[,.]", re.IGNORECASE)
EXAMPLES = '"tomorrow at 8am", "Fri 9:00", "24 Nov 08:00" or "every Friday 15:00"'


class WhenError(ValueError):
    """The words do not say one moment (or one weekly time); the message says what to write."""


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating time: on these weekdays (0 = Monday) at a local time of day."""

    weekdays: frozenset[int]
    at: time

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment` (aware, in the setting's zone)."""
        day = moment.date()
        for offset in range(8):
            candidate = datetime.combine(day + timedelta(days=offset), self.at, moment.tzinfo)
            if candidate.weekday() in self.weekdays and candidate > moment:
                return candidate
        raise WhenError("a recurrence needs at least one weekday")

    def describe(self) -> str:
        """ "every Friday at 15:00", as staff read it."""
        if self.weekdays == ALL_DAYS:
            days = "day"
        elif self.weekdays == WEEKDAYS:
            days = "weekday"
        else:
            days = ", ".join(date(2026, 11, 23 + n).strftime("%A") for n in sorted(self.weekdays))
        return f"every {days} at {self.at.strftime('%H:%M')}"


def is_recurring(words: str) -> bool:
    """Whether the words repeat ("every Friday 15:00")."""
    return bool(_EVERY.match(words))


def moment(words: str, now: datetime, examples: str = EXAMPLES) -> datetime:
    """The one future moment the words say, in `now`'s zone (`now`: aware, setting time).
    Raises WhenError with what to write instead (`examples` of the command at hand)."""
    at, rest = _time_of_day(words)
    if at is None:
        raise WhenError(f'Please give a time, e.g. {examples} (I read "{words.strip()}").')
    day = _day(rest, now, words, examples)
    result = datetime.combine(day, at, now.tzinfo)
    if result <= now and weekday_of(_FILLER.sub(" ", rest)) is not None:
        result += timedelta(days=7)  # "Mon 07:00" on a Monday at 08:15: next Monday
    if result <= now:
        raise WhenError(
            f"{result.strftime('%a %d %b %H:%M')} has already passed; please give a later time."
        )
    return result


def recurrence(words: str) -> Recurrence:
    """The weekly time "every Friday 15:00" says. Raises WhenError with what to write."""
    body = _EVERY.sub("", words, count=1)
    at, rest = _time_of_day(body)
    if at is None:
        raise WhenError(f'Please give a time, e.g. "every Friday 15:00" (I read "{words}").')
    rest = rest.strip()
    if _EVERY_DAY.match(rest):
        days = WEEKDAYS if rest.casefold().startswith(("weekday", "morning", "open")) else ALL_DAYS
        return Recurrence(days, at)
    found = [
        extract(Text.of(part), _A_MONDAY, ("en",), ALL_DAYS).dates
        for part in re.split(r"\s*(?:,|\band\b|&)\s*", rest)
        if part.strip()
    ]
    if not found or any(
        found_range is None or found_range.start != found_range.end for found_range in found
    ):
        raise WhenError(f'Please name the weekday, e.g. "every Friday 15:00" (I read "{words}").')
    return Recurrence(frozenset(r.start.weekday() for r in found if r is not None), at)


_A_MONDAY = datetime(2026, 11, 23, 0, 0)  # weekday names read against a Monday: any week will do


def _time_of_day(words: str) -> tuple[time | None, str]:
    """The time of day in the words (a time needs minutes or am/pm: "8am", "9:00", "15.30",
    "noon") and the words without it."""
    noon = _NOON.search(words)
    if noon:
        return time(12, 0), words[: noon.start()] + " " + words[noon.end() :]
    for match in _TIME.finditer(words):
        hour, minutes, half = match.group(1), match.group(2), (match.group(3) or "").casefold()
        if minutes is None and not half:
            continue  # a day number ("24 Nov"), not a time
        value = _clock(int(hour), int(minutes or 0), half.replace(".", ""))
        if value is None:
            raise WhenError(f'"{match.group(0).strip()}" is not a time of day.')
        return value, words[: match.start()] + " " + words[match.end() :]
    return None, words


def _clock(hour: int, minutes: int, half: str) -> time | None:
    """A 24-hour time from hour, minutes and "am"/"pm" (or none); None when impossible."""
    if half and not 1 <= hour <= 12:
        return None
    if half == "pm" and hour != 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return time(hour, minutes) if hour < 24 and minutes < 60 else None


def _day(rest: str, now: datetime, words: str, examples: str) -> date:
    """The day the words name: today when they name none."""
    remaining = _FILLER.sub(" ", rest).strip()
    if not remaining:
        return now.date()
    try:
        return date.fromisoformat(remaining)  # "2026-11-26"
    except ValueError:
        pass
    found = extract(Text.of(remaining), now.replace(tzinfo=None), ("en",), ALL_DAYS).dates
    if found is None:
        raise WhenError(f'I couldn\'t tell which day "{words.strip()}" means; try {examples}.')
    if found.start != found.end:
        raise WhenError(f'"{words.strip()}" names more than one day; please give one.')
    return found.start


def quiet_until(local: datetime, quiet_hours: str | None) -> datetime | None:
    """When the quiet hours ("20:00-07:00", setting time) that `local` falls in end; None when
    `local` is outside them (or there are none)."""
    span = parse_quiet_hours(quiet_hours)
    if span is None:
        return None
    start, end = span
    at = local.time().replace(tzinfo=None)
    if start <= end:
        inside = start <= at < end
        ends_on = local.date()
    else:  # over midnight
        inside = at >= start or at < end
        ends_on = local.date() + timedelta(days=1) if at >= start else local.date()
    return datetime.combine(ends_on, end, local.tzinfo) if inside else None


def parse_quiet_hours(value: str | None) -> tuple[time, time] | None:
    """("20:00", "07:00") from "20:00-07:00"; None when unset. Raises WhenError when malformed."""
    if not value:
        return None
    first, _, second = str(value).partition("-")
    try:
        return time.fromisoformat(first.strip()), time.fromisoformat(second.strip())
    except ValueError:
        raise WhenError(f'quiet_hours {value!r}: use "20:00-07:00"') from None
