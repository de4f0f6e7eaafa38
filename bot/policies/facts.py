"""Answer questions about the setting itself: opening hours, closures, contact details, manager.

Only questions about the setting: another place's hours ("what time does the park close"), the
sender's own number ("what if my phone number changes?"), someone else's number ("the phone
number for the doctors"), fees on closed days, an open day, what happens if it snows or a
recommendation for the days it is closed are left to the policies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.calendar import WEEKDAYS, weekday_key

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_WORDS = re.compile(r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b")
_HOLIDAYS = {
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3})[a-z]*\b")
_MONTH_DAY = re.compile(r"\b([a-z]{3})[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_HOURS_WORDS = re.compile(
    r"\b(open|opens|opening|close|closes|closing|closed|shut|shuts)\b|\b(your|nursery) hours\b"
)
_PHONE_WORDS = re.compile(
    r"\b(phone|telephone|contact|your) number\b|\b(ring|call|phone|contact) (you|the nursery)\b"
)
_ADDRESS_WORDS = re.compile(r"\b(address|postcode|where are you|where is the nursery|find you)\b")
_NOT_HOURS = re.compile(
    r"\b(late|fees?|charg\w*|pay|paid|paying|costs?|price\w*|refund\w*)\b"
    r"|\bopen (?:day|evening|morning)s?\b|\bwhat (?:happens|if)\b|\brecommend"
)
# Who or what opens, closes or owns the hours asked about: "is the park open", "what time does
# tesco shut", "the library's opening hours", "opening times of the pool".
_HOURS_SUBJECT = re.compile(
    r"\b(?:is|are|r|does|do|will|would)\s+(?P<subject>[a-z' ]{1,40}?)\s+(?:still\s+|usually\s+)?"
    r"(?:open|opens|opening|close|closes|closing|closed|shut|shuts)\b"
    r"|\b(?P<owner>[a-z]+)'s\s+(?:opening|closing)\b"
    r"|\b(?:opening|closing)\s+(?:hours|times?)\s+(?:of|for|at)\s+(?P<place>[a-z' ]{1,40})"
)
# words that name the setting, or say nothing about who: "you", "the nursery", "it going to be"
_SETTING_WORD = re.compile(
    r"you|u|ya|ye|ur|your|it|nursery|setting|pre-?school|guys|they|we|the|a|this|be|going|to"
    r"|still|usually|ever"
)
_OTHERS_NUMBER = re.compile(
    r"\b(?:my|our|his|her|their|[a-z]+'s)\s+(?:new\s+|mobile\s+|home\s+|work\s+)?"
    r"(?:phone|telephone|mobile|contact)?\s*(?:number|no)\b"
    r"|\bnumber\s+(?:for|of)\s+(?P<whose>[a-z' ]{1,40})"
)
_IN_CHARGE_OF = re.compile(r"\b(?:in charge|head) of\s+(?P<what>[a-z' ]{1,40})")


@dataclass(frozen=True)
class SettingFacts:
    """What a parent may ask about the setting itself; opening_hours maps "mon" to "07:30-18:00"."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    manager: str = ""
    opening_hours: dict[str, str] = field(default_factory=dict)
    closed_dates: tuple[date, ...] = ()


def clock(hhmm: str) -> str:
    """ "07:30" -> "7:30am", "18:00" -> "6pm"."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    suffix = "am" if hours < 12 else "pm"
    shown = hours % 12 or 12
    return f"{shown}{suffix}" if minutes == 0 else f"{shown}:{minutes:02d}{suffix}"


def _span(day: str, facts: SettingFacts) -> tuple[str, str] | None:
    """(opens, closes) on a weekday key, or None when closed that day."""
    value = facts.opening_hours.get(day, "")
    if isinstance(value, list | tuple) and len(value) == 2:
        return str(value[0]), str(value[1])
    match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-–to ]+\s*(\d{1,2}:\d{2})\s*", str(value))
    return (match.group(1), match.group(2)) if match else None


def weekly_hours(facts: SettingFacts) -> str:
    """ "Monday to Thursday 7:30am to 6pm; Friday 7:30am to 5:30pm": equal days merged."""
    runs: list[tuple[int, int, tuple[str, str]]] = []
    for n, day in enumerate(WEEKDAYS):
        span = _span(day, facts)
        if span is None:
            continue
        if runs and runs[-1][2] == span and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n, span)
        else:
            runs.append((n, n, span))
    parts = []
    for first, last, (opens, closes) in runs:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]} to {DAY_NAMES[last]}"
        parts.append(f"{days} {clock(opens)} to {clock(closes)}")
    return "; ".join(parts)


def _asked_date(text: str, today: date) -> date | None:
    """A date named in the question (a holiday, "24 December", "today", "tomorrow")."""
    if "tomorrow" in text:
        return today + timedelta(days=1)
    if "today" in text or "tonight" in text:
        return today
    month_day = next(((m, d) for name, (m, d) in _HOLIDAYS.items() if name in text), None)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.search(text)
        if month_day is None and match and match.group(month_group) in _MONTHS:
            month_day = (_MONTHS.index(match.group(month_group)) + 1, int(match.group(day_group)))
    if month_day is None:
        return None
    try:
        asked = date(today.year, *month_day)
    except ValueError:
        return None
    return asked if asked >= today else asked.replace(year=today.year + 1)


def _on_date(asked: date, facts: SettingFacts) -> str:
    when = f"{DAY_NAMES[asked.weekday()]} {asked.day} {asked:%B %Y}"
    span = _span(weekday_key(asked), facts)
    if asked in facts.closed_dates or span is None:
        return f"{facts.name} is closed on {when}."
    return f"{facts.name} is open on {when}, {clock(span[0])} to {clock(span[1])}."


def _on_weekday(day: int, text: str, facts: SettingFacts) -> str:
    span = _span(WEEKDAYS[day], facts)
    if span is None:
        return f"{facts.name} is closed on {DAY_NAMES[day]}s."
    if re.search(r"\b(close|closes|closing|shut|pick ?up|collect)\b", text):
        return f"On {DAY_NAMES[day]}s we close at {clock(span[1])} (open from {clock(span[0])})."
    return f"On {DAY_NAMES[day]}s we are open {clock(span[0])} to {clock(span[1])}."


def _hours_answer(text: str, facts: SettingFacts, today: date) -> str | None:
    asked = _asked_date(text, today)
    if asked is not None:
        return _on_date(asked, facts)
    weekday = _DAY_WORDS.search(text)
    if weekday:
        return _on_weekday(WEEKDAYS.index(weekday.group(1)[:3]), text, facts)
    if not facts.opening_hours:
        return None
    return f"{facts.name} is open {weekly_hours(facts)}."


def _is_setting(words: str, facts: SettingFacts) -> bool:
    """Whether the words name the setting ("you", "the nursery", "bramble lane")."""
    named = set(facts.name.lower().split())
    return all(_SETTING_WORD.fullmatch(word) or word in named for word in words.split())


def _about_the_setting(text: str, facts: SettingFacts) -> bool:
    """Whether opening hours asked about are the setting's, not another place's."""
    for match in _HOURS_SUBJECT.finditer(text):
        named = match.group("subject") or match.group("owner") or match.group("place") or ""
        if not _is_setting(named.strip(), facts):
            return False
    return True


def _setting_number(text: str, facts: SettingFacts) -> bool:
    """Whether a phone number asked about is the setting's (not the sender's or the doctor's)."""
    if not _PHONE_WORDS.search(text):
        return False
    for match in _OTHERS_NUMBER.finditer(text):
        whose = match.group("whose")
        if whose is None or not _is_setting(whose.strip(), facts):
            return False
    return True


def _asks_manager(text: str, facts: SettingFacts) -> bool:
    """Who runs the setting ("who's in charge"), not who is in charge of data protection nor
    whether the owner can come to a meeting."""
    if not re.search(r"\b(manager|in charge|runs? the|head of|owner|boss)\b", text):
        return False
    if not re.search(r"\bwho|\bname\b|\bcalled\b", text):
        return False
    return all(_is_setting(m.group("what").strip(), facts) for m in _IN_CHARGE_OF.finditer(text))


def answer_setting_fact(
    question: str, facts: SettingFacts, today: date | None = None
) -> str | None:
    """A direct answer about hours, closures, phone, address, email or manager; else None."""
    text = question.lower().replace("’", "'")
    if "ofsted" in text:
        return None
    if facts.manager and _asks_manager(text, facts):
        return f"The manager of {facts.name} is {facts.manager}."
    if facts.email and re.search(r"\be-?mail\b", text):
        return f"You can email {facts.name} at {facts.email}."
    if facts.phone and _setting_number(text, facts):
        return f"You can phone {facts.name} on {facts.phone}."
    if facts.address and _ADDRESS_WORDS.search(text):
        return f"{facts.name} is at {facts.address}."
    if _HOURS_WORDS.search(text) and not _NOT_HOURS.search(text):
        return (
            _hours_answer(text, facts, today or date.today())
            if _about_the_setting(text, facts)
            else None
        )
    return None
