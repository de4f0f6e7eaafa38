"""What one turn changed, in the shape `simulate` and the web chat report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.db.models import Child


@dataclass
class TurnOutcome:
    """What the effects changed, for simulate and the audit trail."""

    records: list[dict[str, Any]] = field(default_factory=list)
    staff_notifications: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    handoff: bool = False
    written: list[str] = field(default_factory=list)  # refs of the notices recorded ("A12")


def record_row(
    kind: str, children: list[Child], start: date, end: date, **values: Any
) -> dict[str, Any]:
    """One `records` entry for simulate: the same keys for every kind of record."""
    return {
        "type": kind,
        "children": [child.display_name for child in children],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "reason": None,
        "symptoms": [],
        "collector": None,
        "time": None,
        "status": "active",
    } | values
