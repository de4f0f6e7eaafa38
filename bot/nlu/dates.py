"""Dates and ranges in a message, in the setting's own calendar.

Fast path: the lexicon's words (today, tomorrow, weekdays, "next week", "until", months with a
day number, "3rd to 10th December", "30/11"). Only a day number followed by an unknown word that
may be a misspelt month goes to `dateparser`, which is slow and therefore cached.

Rules: a weekday is its next occurrence, today included; "next <weekday>" is that day of next
week; "next week" is Monday to Friday of next week; "until X" runs from today to X, and "until
next week" up to the day before it starts. Several single days make one range only when no open
day between them is left out ("today or Tuesday", "Friday and Monday"); otherwise the answer is
None and the flow asks which days. A day corrected away is left out: "tomorrow not today"
(`not_before` markers), "aaj nahi, kal" (`not_after`); the result says a day was corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from bot.nlu import lexicon
from bot.nlu.text import WORD, Hit, Matcher, Text
from bot.types import DateRange

_ORD = r"(?:st|nd|rd|th|er|º|ª|\.)?"
_NUMERIC = re.compile(r"(?<![\d/.:])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
_DAY_LEFT = re.compile(rf"(?<![\d:.,])(\d{{1,2}}){_ORD}\s*(?:of\s+|de\s+|del\s+)?$")
_DAY_RIGHT = re.compile(rf"^\s*(\d{{1,2}}){_ORD}(?![\d:])")
_RANGE_START = re.compile(rf"(?<![\d:.])(\d{{1,2}})({_ORD})\s*(?:[^\d\s]{{1,6}}\s*){{1,2}}$")
_DAY_AFTER_WEEKDAY = re.compile(r"^\s*(\d{1,2})(?![\d:./])")
_UNKNOWN_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+({WORD}{{3,}})")
_FILLER = re.compile(rf"^[\s,.]*(?:{WORD}{{1,4}}\s+)?[\s,.]*$")
_MONTH_PREFIXES = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)
# "until the 7th", "on the 3rd": a day number with an ordinal and no month is the next such day
_BARE_ORDINAL = re.compile(
    r"\b(?:the|on|until|till|til|untill|from|by|to)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b"
)
_POINT_WORDS = {"today": 0, "tomorrow": 1, "day_after": 2, "yesterday": -1}
_TIGHT = re.compile(r"^[\s,.;:–-]*$")  # nothing but punctuation between a day and "not"


@dataclass(frozen=True, slots=True)
class Mention:
    """A date or range found at start..end of the message."""

    start: int
    end: int
    first: date
    last: date
    week: bool = False  # a whole week ("next week"): "until" it means up to its start


@dataclass(frozen=True, slots=True)
class DateResult:
    """What the message says about dates: a range, or that it named days we cannot join."""

    dates: DateRange | None
    ambiguous: bool = False
    corrected: bool = False  # a day was named only to be corrected away ("not today")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week(today: date, label: str) -> tuple[date, date] | None:
    offset = {"this_week": 0, "next_week": 7, "last_week": -7}.get(label)
    if offset is None:
        return None
    monday = _monday(today) + timedelta(days=offset)
    return (today if offset == 0 else monday), monday + timedelta(days=4)


def _near(text: str, hits: list[Hit], hit: Hit, label: str) -> bool:
    """Whether a hit with `label` sits right before or after `hit` (a filler word allowed)."""
    for other in hits:
        if other.label != label:
            continue
        gap = text[other.end : hit.start] if other.end <= hit.start else text[hit.end : other.start]
        if _FILLER.match(gap):
            return True
    return False


def _weekday(text: str, hits: list[Hit], hit: Hit, today: date) -> Mention:
    """A weekday: next occurrence (today included), or in the week a modifier or phrase names."""
    weekday = int(hit.label.split(":")[1])
    numbered = _DAY_AFTER_WEEKDAY.match(text[hit.end :])  # "lunes 30", "Friday 4th"
    if numbered and (when := _numbered_weekday(today, weekday, int(numbered.group(1)))):
        return Mention(hit.start, hit.end + numbered.end(), when, when)
    labels = {h.label for h in hits}
    if _near(text, hits, hit, "next_mod") or "next_week" in labels:
        when = _monday(today) + timedelta(days=7 + weekday)
    elif _near(text, hits, hit, "last_mod") or "last_week" in labels:
        when = today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    else:
        when = today + timedelta(days=(weekday - today.weekday()) % 7)
    return Mention(hit.start, hit.end, when, when)


def _numbered_weekday(today: date, weekday: int, day: int) -> date | None:
    """The soonest date (within two months) with this day number, preferring the weekday."""
    candidates = [
        found
        for months in (0, 1, 2)
        if (found := _make_date(today, (today.month + months - 1) % 12 + 1, day)) and found >= today
    ]
    matching = [d for d in candidates if d.weekday() == weekday]
    return min(matching or candidates, default=None)


def _make_date(today: date, month: int, day: int, year: int | None = None) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today - timedelta(days=60):
        found = found.replace(year=found.year + 1)
    return found


def _month_mentions(text: str, hits: list[Hit], today: date) -> list[Mention]:
    found = []
    for hit in hits:
        if not hit.label.startswith("month:"):
            continue
        month = int(hit.label.split(":")[1])
        left = _DAY_LEFT.search(text[: hit.start])
        right = _DAY_RIGHT.match(text[hit.end :])
        if left:
            day, start, end = int(left.group(1)), left.start(), hit.end
        elif right:
            day, start, end = int(right.group(1)), hit.start, hit.end + right.end()
        else:
            continue
        when = _make_date(today, month, day)
        if when:
            found.append(Mention(start, end, when, when))
            found.extend(_range_start(text, start, month, day, today))
    return found


def _range_start(text: str, start: int, month: int, day: int, today: date) -> list[Mention]:
    """The bare first day of "3rd to 10th December" / "od 3 do 10 grudnia"."""
    before = _RANGE_START.search(text[:start])
    if not before or int(before.group(1)) >= day:
        return []
    when = _make_date(today, month, int(before.group(1)))
    return [Mention(before.start(), before.end(2), when, when)] if when else []


def _numeric_mentions(text: str, today: date) -> list[Mention]:
    found = []
    for m in _NUMERIC.finditer(text):
        year = int(m.group(3)) if m.group(3) else None
        if year is not None and year < 100:
            year += 2000
        when = _make_date(today, int(m.group(2)), int(m.group(1)), year)
        if when:
            found.append(Mention(m.start(), m.end(), when, when))
    return found


def _word_mentions(text: str, hits: list[Hit], today: date) -> list[Mention]:
    """Relative words and weekdays; in a list of weekdays each comes after the one before."""
    found: list[Mention] = []
    previous: Mention | None = None
    has_weekday = any(h.label.startswith("weekday:") for h in hits)
    for hit in hits:
        if hit.label in _POINT_WORDS:
            when = today + timedelta(days=_POINT_WORDS[hit.label])
            found.append(Mention(hit.start, hit.end, when, when))
        elif hit.label.startswith("weekday:"):
            mention = _weekday(text, hits, hit, today)
            if previous and mention.first < previous.first:  # "Friday and Monday"
                later = mention.first + timedelta(days=7)
                mention = Mention(mention.start, mention.end, later, later)
            previous = mention
            found.append(mention)
        elif not has_weekday and (span := _week(today, hit.label)):  # else it sets their week
            found.append(Mention(hit.start, hit.end, *span, week=True))
    return found


def _joined(text: str, mentions: list[Mention], markers: list[Hit], today: date) -> list[Mention]:
    """Apply "X to Y", "until Y" and "Y tak/ਤੱਕ/পর্যন্ত" to the mentions."""
    result: list[Mention] = []
    for mention in mentions:
        before = [
            h
            for h in markers
            if h.end <= mention.start and _FILLER.match(text[h.end : mention.start])
        ]
        after = [
            h
            for h in markers
            if h.start >= mention.end and _FILLER.match(text[mention.end : h.start])
        ]
        joiner = before[-1] if before else None
        prev = result[-1] if result else None
        if (
            joiner
            and prev
            and prev.end <= joiner.start
            and _FILLER.match(text[prev.end : joiner.start])
        ):
            result[-1] = Mention(prev.start, mention.end, prev.first, mention.last)
        elif joiner and joiner.label == "until_before" and mention.last >= today:
            result.append(Mention(joiner.start, mention.end, today, _until(mention, today)))
        elif any(h.label == "until_after" for h in after) and mention.last >= today:
            result.append(Mention(mention.start, mention.end, today, _until(mention, today)))
        else:
            result.append(mention)
    return result


def _until(mention: Mention, today: date) -> date:
    """The last day of "until <mention>": the day itself, or the day before a later week."""
    if mention.week and mention.first > today:
        return mention.first - timedelta(days=1)
    return mention.last


def _corrected_away(text: str, mentions: list[Mention], hits: list[Hit]) -> list[Mention]:
    """Days named only to be corrected: B in "A not B" and "B nahi, A" (another day beside)."""
    away = []
    for hit in hits:
        before = [
            m for m in mentions if m.end <= hit.start and _TIGHT.match(text[m.end : hit.start])
        ]
        after = [
            m for m in mentions if m.start >= hit.end and _TIGHT.match(text[hit.end : m.start])
        ]
        if before and after and hit.label == "not_before":
            away.append(after[0])
        elif before and after and hit.label == "not_after":
            away.append(before[-1])
    return away


def _tight(text: str, start: int, end: int) -> bool:
    return bool(_TIGHT.match(text[start:end]))


def _combine(
    mentions: list[Mention], open_days: frozenset[int], closed: frozenset[date]
) -> DateResult:
    if not mentions:
        return DateResult(None)
    first = min(m.first for m in mentions)
    last = max(m.last for m in mentions)
    covered = {
        m.first + timedelta(days=i) for m in mentions for i in range((m.last - m.first).days + 1)
    }
    day = first
    while day <= last:
        if day not in covered and day.weekday() in open_days and day not in closed:
            return DateResult(None, ambiguous=True)
        day += timedelta(days=1)
    return DateResult(DateRange(first, last))


@cache
def _matcher(languages: tuple[str, ...]) -> Matcher:
    return lexicon.matcher("dates", languages)


def extract(
    text: Text,
    now: datetime,
    languages: tuple[str, ...],
    open_days: frozenset[int] = frozenset({0, 1, 2, 3, 4}),
    closed: frozenset[date] = frozenset(),
) -> DateResult:
    """The date or range a message gives, relative to `now` (already in the setting's zone)."""
    today = now.date()
    hits = [h for h in _matcher(languages).find(text) if h.label != "ignore"]
    folded = text.folded
    explicit = _month_mentions(folded, hits, today) + _numeric_mentions(folded, today)
    mentions = [m for m in _word_mentions(folded, hits, today) if not _beside(folded, m, explicit)]
    mentions += explicit
    if languages[0] == "en":
        mentions += _ordinal_mentions(folded, today, mentions)
    if not mentions:
        mentions = _fallback(folded, hits, today, languages[0])
    mentions = _dedupe(sorted(mentions, key=lambda m: (m.start, -m.end)))
    away = _corrected_away(folded, mentions, hits)
    mentions = [m for m in mentions if m not in away]
    markers = [h for h in hits if h.label in ("until_before", "until_after", "range_sep")]
    found = _combine(_joined(folded, mentions, markers, today), open_days, closed)
    return replace(found, corrected=bool(away))


def _ordinal_mentions(text: str, today: date, found: list[Mention]) -> list[Mention]:
    """English "the 7th" with no month: the next day with that number (today included)."""
    result = []
    for m in _BARE_ORDINAL.finditer(text):
        start = m.start(1)
        if any(f.start <= start < f.end for f in found):
            continue
        day = int(m.group(1))
        candidates = [_make_date(today, (today.month + k - 1) % 12 + 1, day) for k in (0, 1, 2)]
        when = min((c for c in candidates if c and c >= today), default=None)
        if when:
            result.append(Mention(start, m.end(), when, when))
    return result


def _beside(text: str, mention: Mention, explicit: list[Mention]) -> bool:
    """Whether a word mention directly precedes an explicit date ("Weds 2nd December")."""
    return any(
        mention.end <= e.start and _FILLER.match(text[mention.end : e.start]) for e in explicit
    )


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in mentions:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _fallback(text: str, hits: list[Hit], today: date, language: str) -> list[Mention]:
    """`dateparser` for "12th Decmber"-like fragments the lexicon cannot read."""
    known = {(h.start, h.end) for h in hits}
    found = []
    for m in _UNKNOWN_MONTH.finditer(text):
        word = m.group(2)
        if any(s <= m.start(2) < e for s, e in known) or word in lexicon.common_words():
            continue
        if language == "en" and word[:3] not in _MONTH_PREFIXES:
            continue
        when = _dateparser(m.group(0), language, today)
        if when and when.day == int(m.group(1)):
            found.append(Mention(m.start(), m.end(), when, when))
    return found


@lru_cache(maxsize=512)
def _dateparser(fragment: str, language: str, today: date) -> date | None:
    import dateparser  # imported lazily: it costs ~0.3 s and is rarely needed

    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
    }
    languages = list(dict.fromkeys([language, "en"]))
    parsed = dateparser.parse(fragment, languages=languages, settings=settings)
    return parsed.date() if parsed and parsed.date() >= today - timedelta(days=60) else None
