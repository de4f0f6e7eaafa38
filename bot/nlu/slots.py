"""Slots other than children and dates: time, lateness, reason and symptoms, collector's
relationship, new contact details and the language asked for."""

from __future__ import annotations

import re
from datetime import time
from functools import cache

from bot.nlu import lexicon
from bot.nlu.text import WORD, Hit, Text, fold
from bot.types import AbsenceReason

LUNCH = time(13, 0)
_PM_FROM, _PM_TO = 1, 7  # a bare hour 1-7 at a nursery means afternoon pick-up
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])(?:[:.]|h)([0-5]\d)(?![\d])")
_AMPM = re.compile(r"(?<![\d:.])(1[0-2]|0?\d)(?:[:.]([0-5]\d))?\s*([ap])\.?m\b")
_HALF_EN = re.compile(r"\bhalf(?: past)?\s+(1[0-2]|[1-9])\b")
_PAST_TO_EN = re.compile(
    r"\b(quarter|ten|twenty|twenty five|five|10|20|25|5)(?: mins?| minutes?)? (past|to|til)"
    r"\s+(1[0-2]|[1-9])\b"
)
_MINUTE_WORDS = {"quarter": 15, "ten": 10, "twenty": 20, "twenty five": 25, "five": 5}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?7\d{3}|07\d{3}|\+\d{1,3}\s?\d{2,4})[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)"
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_ADDRESS_START = re.compile(
    r"\b\d{1,4}[a-zA-Z]?\s+[A-Z]\w+\s+(?:Road|Street|Lane|Avenue|Close|Drive|Way|Rd|St|Ave|Crescent|Place|Court|Gardens|Terrace|Grove)\b"
)


def _pm(hour: int, explicit: str | None) -> int:
    if explicit == "p" and hour < 12:
        return hour + 12
    if explicit == "a":
        return hour % 12
    return hour + 12 if _PM_FROM <= hour <= _PM_TO else hour


@cache
def _time_patterns(
    languages: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """'at 5' style (marker before the hour) and '4 baje' style (marker after the hour)."""
    table: dict[str, list[str]] = {}
    for code in languages:
        for label, entries in lexicon.table(code, "time").items():
            table.setdefault(label, []).extend(entries)

    def alternation(label: str) -> str:
        words = sorted({fold(w) for w in table.get(label, [])}, key=len, reverse=True)
        return "|".join(re.escape(w) for w in words)

    before, after = alternation("at_before"), alternation("at_after")
    hour = r"(\d{1,2})(?:[:.h](\d{2}))?"
    pre = re.compile(rf"(?<!{WORD})(?:{before})\s+{hour}(?![\d/])") if before else None
    post = re.compile(rf"(?<![\d:.]){hour}\s*(?:{after})(?!\w)") if after else None
    return pre, post


def extract_time(text: Text, languages: tuple[str, ...], hits: list[Hit]) -> time | None:
    """A clock time: '15:00', '4.30', '5pm', 'at 5' (17:00), 'half 5', 'quarter to 6' (17:45),
    'after lunch' (13:00)."""
    folded = text.folded
    if languages[0] == "en" and (m := _PAST_TO_EN.search(folded)):
        return _past_to(m)
    if m := _AMPM.search(folded):
        return time(_pm(int(m.group(1)), m.group(3)), int(m.group(2) or 0))
    if m := _CLOCK.search(folded):
        return time(_pm(int(m.group(1)), None), int(m.group(2)))
    if languages[0] == "en" and (m := _HALF_EN.search(folded)):
        return time(_pm(int(m.group(1)), None), 30)
    for pattern in _time_patterns(languages):
        if pattern and (m := pattern.search(folded)) and int(m.group(1)) <= 23:
            minutes = 30 if _half_beside(folded, hits, m.start(), m.end()) else int(m.group(2) or 0)
            return time(_pm(int(m.group(1)), None), minutes) if minutes < 60 else None
    if any(h.label == "after_lunch" for h in hits):
        return LUNCH
    return None


def _past_to(m: re.Match[str]) -> time:
    """'quarter to 6' -> 17:45, 'ten past 4' -> 16:10 (afternoon hours as for a bare hour)."""
    minutes = _MINUTE_WORDS.get(m.group(1)) or int(m.group(1))
    hour = _pm(int(m.group(3)), None)
    if m.group(2) == "past":
        return time(hour, minutes)
    return time((hour - 1) % 24, 60 - minutes)


def _half_beside(text: str, hits: list[Hit], start: int, end: int) -> bool:
    """A "half" word right before or after the hour: "4 y media", "ساڑھے 4", "sarhe 4" -> :30."""
    return any(
        h.label == "half" and (not text[h.end : start].strip() or not text[end : h.start].strip())
        for h in hits
    )


@cache
def _minutes_pattern(languages: tuple[str, ...]) -> re.Pattern[str]:
    words = {fold(w) for c in languages for w in lexicon.table(c, "late").get("minute", [])}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\d:.])(\d{{1,3}})\s*(?:{WORD}{{1,3}}\s+)?(?:{alternation})(?!{WORD})")


def extract_lateness(text: Text, languages: tuple[str, ...], hits: list[Hit]) -> int | None:
    """Minutes late, only when the message says "late": '20 mins late', 'half an hour' -> 30."""
    labels = {h.label for h in hits}
    if "late" not in labels:
        return None
    if m := _minutes_pattern(languages).search(text.folded):
        return int(m.group(1)) or None
    for label, minutes in (("half_hour", 30), ("quarter_hour", 15), ("hour", 60)):
        if label in labels:
            return minutes
    return None


_REASON_ORDER = (
    AbsenceReason.APPOINTMENT,
    AbsenceReason.HOLIDAY,
    AbsenceReason.FAMILY,
    AbsenceReason.ILLNESS,
)


def extract_reason(
    reason_hits: list[Hit], symptom_hits: list[Hit]
) -> tuple[AbsenceReason | None, tuple[str, ...]]:
    """Illness (with canonical symptom keys) wins; then appointment, holiday, family."""
    symptoms = tuple(dict.fromkeys(h.label for h in symptom_hits))
    if symptoms:
        return AbsenceReason.ILLNESS, symptoms
    labels = {h.label for h in reason_hits}
    if "illness" in labels:
        return AbsenceReason.ILLNESS, ()
    for reason in _REASON_ORDER:
        if reason.value in labels:
            return reason, ()
    return None, ()


def extract_relationship(hits: list[Hit]) -> str | None:
    """The collector's relationship to the child, in English ("my mum" -> "grandmother")."""
    return hits[0].label if hits else None


def extract_contacts(text: Text) -> tuple[str | None, str | None, str | None]:
    """(phone, email, address) written in the message, as given."""
    phone = _PHONE.search(text.raw)
    email = _EMAIL.search(text.raw)
    address = _ADDRESS_START.search(text.raw) or _POSTCODE.search(text.raw)
    address_text = None
    if address:
        line_start = _ADDRESS_START.search(text.raw)
        start = line_start.start() if line_start else address.start()
        postcode = _POSTCODE.search(text.raw, start)
        address_text = text.raw[start : postcode.end() if postcode else len(text.raw)].strip(" .,")
    phone_text = re.sub(r"[\s-]", "", phone.group(0)) if phone else None
    return phone_text, email.group(0) if email else None, address_text


def extract_target_language(hits: list[Hit], message_language: str) -> str | None:
    """The language asked for; a bare "in my language" request means the message's language."""
    return hits[0].label if hits else message_language
