"""Calendar helpers for notices: open days, and dates said the way a parent reads them."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date, get_day_names

from bot import calendar
from bot.flows.turn import SettingView

LOCALES = {"en": "en_GB"}


def is_open(day: date, setting: SettingView) -> bool:
    """Whether the setting is open on `day` (a weekday it opens and not a closed date)."""
    return calendar.is_open(day, setting.open_weekdays, setting.closed_dates)


def open_days(start: date, end: date, setting: SettingView) -> list[date]:
    """The days in start..end (inclusive) when the setting is open."""
    span = (end - start).days
    return [d for d in (start + timedelta(days=n) for n in range(span + 1)) if is_open(d, setting)]


def next_open_day(after: date, setting: SettingView, limit: int = 30) -> date:
    """The first open day strictly after `after` (or `after` + 1 when none within `limit`)."""
    for n in range(1, limit + 1):
        candidate = after + timedelta(days=n)
        if is_open(candidate, setting):
            return candidate
    return after + timedelta(days=1)


def short_date(day: date, language: str) -> str:
    """`Mon 23 Nov` in the reader's language."""
    return format_date(day, "EEE d MMM", locale=LOCALES.get(language, language))


def describe_days(days: list[date], language: str) -> str:
    """One day as `Mon 23 Nov`; a run as `Mon 23 Nov – Fri 27 Nov (5 days)`-style text parts."""
    if len(days) == 1:
        return short_date(days[0], language)
    return f"{short_date(days[0], language)} – {short_date(days[-1], language)}"


def weekday_name(key: str, language: str) -> str:
    """ "Monday" for "mon", in the reader's language."""
    names = get_day_names("wide", locale=LOCALES.get(language, language))
    return str(names[calendar.WEEKDAYS.index(key)])
