"""setting.toml: the setting's name, time zone, rooms, hours and options, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.calendar import WEEKDAYS
from bot.meetings.options import option_problems as meeting_problems
from bot.privacy.options import option_problems
from bot.roster import fields
from bot.roster.errors import RowError, TomlFile, read_toml

TIMEOUT_OPTION = "conversation_timeout_hours"  # read by bot/flows/registry.py


@dataclass(frozen=True)
class SettingData:
    """setting.toml, validated."""

    slug: str
    name: str
    timezone: str
    address: str
    phone: str
    email: str
    manager: str
    rooms: list[str]
    opening_hours: dict[str, str]
    closed_dates: list[str]
    options: dict[str, Any]


def read_setting(path: Path, errors: list[RowError]) -> tuple[SettingData | None, set[str] | None]:
    """The setting (None when the file cannot be read) and the room names rows may refer to
    (None when they are unknown, so that references to rooms are not judged)."""
    toml = read_toml(path, errors)
    if toml is None:
        return None, None
    rooms = _rooms(path.name, toml, errors)
    setting = _setting_data(path, toml, rooms or [], errors)
    _check_timeout(path.name, toml, setting.options, errors)
    return setting, None if rooms is None else set(rooms)


def _check_timeout(
    file: str, toml: TomlFile, options: dict[str, Any], errors: list[RowError]
) -> None:
    """`conversation_timeout_hours`, when given, is a number of hours above 0."""
    timeout = options.get(TIMEOUT_OPTION)
    if timeout is not None and not _is_hours(timeout):
        message = f"{TIMEOUT_OPTION} = {timeout!r}: use a number of hours above 0, e.g. 24"
        errors.append(RowError(file, toml.line_of(TIMEOUT_OPTION), "options", message))


def _rooms(file: str, toml: TomlFile, errors: list[RowError]) -> list[str] | None:
    rooms = toml.data.get("rooms", [])
    if not isinstance(rooms, list) or not all(isinstance(room, str) for room in rooms):
        message = 'use a list of names, e.g. rooms = ["Oaks"]'
        errors.append(RowError(file, toml.line_of("rooms"), "rooms", message))
        return None
    return [room.strip() for room in rooms if room.strip()]


def _setting_data(
    path: Path, toml: TomlFile, rooms: list[str], errors: list[RowError]
) -> SettingData:
    def problem(key: str, message: str, line_key: str | None = None) -> None:
        errors.append(RowError(path.name, toml.line_of(line_key or key), key, message))

    def table(key: str) -> dict[str, Any]:
        value = toml.data.get(key, {})
        if isinstance(value, dict):
            return value
        problem(key, f"use a table: [{key}]")
        return {}

    data = toml.data
    name = str(data.get("name", "")).strip()
    if not name:
        problem("name", "is required")
    timezone = str(data.get("timezone", "Europe/London"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"{timezone!r} is not an IANA time zone (e.g. Europe/London)")
    hours: dict[str, str] = {}
    for key, span in table("opening_hours").items():
        day = str(key).lower()[:3]
        if day not in WEEKDAYS or not _is_time_span(str(span)):
            problem("opening_hours", f'{key} = {span!r}: use mon = "07:30-18:00"', key)
        hours[day] = str(span)
    closed = data.get("closed_dates", [])
    if not isinstance(closed, list):
        problem("closed_dates", 'use a list of dates, e.g. closed_dates = ["2026-12-25"]')
        closed = []
    for value in closed:
        try:
            fields.iso_date(str(value))
        except fields.FieldError as bad:
            problem("closed_dates", str(bad))
    options = dict(table("options"))
    for key, message in [
        *option_problems(options),
        *meeting_problems(options),
        *_time_problems(options),
    ]:
        problem(key, message)
    return SettingData(
        slug=str(data.get("slug") or path.parent.name),
        name=name,
        timezone=timezone,
        address=str(data.get("address", "")),
        phone=str(data.get("phone", "")),
        email=str(data.get("email", "")),
        manager=str(data.get("manager", "")),
        rooms=rooms,
        opening_hours=hours,
        closed_dates=sorted(str(value) for value in closed),
        options=options,
    )


def _is_hours(value: object) -> bool:
    """A number of hours above 0 (TOML's true and false are no number)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _is_time_span(span: str) -> bool:
    parts = span.split("-")
    return len(parts) == 2 and all(_is_time(part.strip()) for part in parts)


def _is_time(value: str) -> bool:
    """Whether `value` is a time of day "HH:MM" (24-hour)."""
    hours, _, minutes = value.partition(":")
    return (
        hours.isdecimal()
        and minutes.isdecimal()
        and len(minutes) == 2
        and int(hours) < 24
        and int(minutes) < 60
    )


def _time_problems(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(option, problem) for each time-of-day option (`..._at`, the scheduled jobs' times) that
    is not a local time "HH:MM"."""
    return [
        (key, f'{value!r}: use a local time, e.g. {key} = "09:30"')
        for key, value in options.items()
        if key.endswith("_at") and not _is_time(str(value))
    ]
