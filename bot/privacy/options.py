"""The data-protection options in setting.toml's [options], with their defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RETAIN_MESSAGES_DAYS = 365  # parents' messages, replies and staff alerts
RETAIN_RECORDS_YEARS = 6  # attendance records: see README, "Data protection" (why six)
ERASE_AFTER_DAYS = 30  # a guardian dropped from the roster is erased this long after

# option -> (default, smallest, largest, unit shown in problems)
LIMITS: dict[str, tuple[int, int, int, str]] = {
    "retain_messages_days": (RETAIN_MESSAGES_DAYS, 1, 36_500, "days"),
    "retain_records_years": (RETAIN_RECORDS_YEARS, 1, 100, "years"),
    "erase_after_days": (ERASE_AFTER_DAYS, 0, 36_500, "days"),
}


@dataclass(frozen=True)
class PrivacyOptions:
    """How long a setting keeps messages and records, and when a dropped guardian is erased."""

    retain_messages_days: int = RETAIN_MESSAGES_DAYS
    retain_records_years: int = RETAIN_RECORDS_YEARS
    erase_after_days: int = ERASE_AFTER_DAYS


def privacy_options(options: dict[str, Any]) -> PrivacyOptions:
    """The setting's options (already checked at import), defaults where unset."""
    return PrivacyOptions(**{key: int(options.get(key, LIMITS[key][0])) for key in LIMITS})


def option_problems(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(option, problem) for each data-protection option that is not a whole number in range."""
    problems = []
    for key, (default, low, high, unit) in LIMITS.items():
        if key not in options:
            continue
        value = options[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                (
                    key,
                    f"{value!r}: use a whole number of {unit} from {low} to {high}, "
                    f"e.g. {key} = {default}",
                )
            )
    return problems
