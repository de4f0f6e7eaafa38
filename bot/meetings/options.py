"""The meeting options in setting.toml's [options], with their defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MODES = ("in_person", "phone", "video")
REMINDER_AT = "meeting_reminder_at"  # the Daily-style time the day before (checked as `..._at`)

# option -> (default, smallest, largest, unit shown in problems)
LIMITS: dict[str, tuple[int, int, int, str]] = {
    "meeting_minutes": (20, 5, 240, "minutes"),
    "meeting_notice_hours": (24, 0, 24 * 30, "hours"),
    "meeting_horizon_days": (21, 1, 90, "days"),
}


@dataclass(frozen=True)
class MeetingOptions:
    """How long a meeting lasts, how soon and how far ahead one can be booked, when the reminder
    goes, which kinds of meeting a parent may choose, and where and what to bring."""

    meeting_minutes: int = 20
    meeting_notice_hours: int = 24
    meeting_horizon_days: int = 21
    reminder_at: str = "18:00"
    modes: tuple[str, ...] = ("in_person",)
    place: str = ""
    bring: str = ""


def meeting_options(options: dict[str, Any]) -> MeetingOptions:
    """The setting's options (already checked at import), defaults where unset."""
    numbers = {key: int(options.get(key, LIMITS[key][0])) for key in LIMITS}
    modes = options.get("meeting_modes") or ["in_person"]
    return MeetingOptions(
        **numbers,
        reminder_at=str(options.get(REMINDER_AT) or "18:00"),
        modes=tuple(str(mode) for mode in modes),
        place=str(options.get("meeting_place", "")),
        bring=str(options.get("meeting_bring", "")),
    )


def option_problems(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(option, problem) for each meeting option that cannot be used."""
    problems = []
    for key, (default, low, high, unit) in LIMITS.items():
        value = options.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                (
                    key,
                    f"{value!r}: use a whole number of {unit} from {low} to {high}, e.g. {default}",
                )
            )
    modes = options.get("meeting_modes", ["in_person"])
    if not isinstance(modes, list) or not modes or any(mode not in MODES for mode in modes):
        problems.append(
            (
                "meeting_modes",
                f'{modes!r}: use a list of {", ".join(MODES)}, e.g. ["in_person", "phone"]',
            )
        )
    for key in ("meeting_place", "meeting_bring"):
        if not isinstance(options.get(key, ""), str):
            problems.append((key, f'{options[key]!r}: use text, e.g. {key} = "..."'))
    return problems
