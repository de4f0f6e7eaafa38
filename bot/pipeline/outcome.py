"""What one turn did, in the shape `simulate` and the web chat report it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.db.models import Child
from bot.types import Reply


@dataclass(frozen=True)
class TurnResult:
    """What one message did, as simulate and the web chat show it: the replies, and what applying
    the turn's effects changed (bot.recording.EffectContext.turn_result builds it)."""

    inbound_id: int
    intent: str
    language: str
    replies: list[Reply]
    handoff: bool = False
    sources: list[dict[str, str]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    staff_notifications: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)  # sent to other people


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
