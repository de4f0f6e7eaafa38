"""Families and a clock shared by the understanding tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.nlu import NluContext
from bot.types import ChildRef, Understanding

MONDAY = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # Mon 23 Nov 2026, 08:15 in London

KOWALSKI = (ChildRef(1, "Jakub", "Kowalski", "Kuba"), ChildRef(2, "Zofia", "Kowalska"))
SMITH = (ChildRef(3, "Leo", "Smith"),)
BROWN = (ChildRef(4, "Isla", "Brown"),)
PATEL = (ChildRef(5, "Maya", "Patel"), ChildRef(6, "Arjun", "Patel"))
JONES = (
    ChildRef(23, "William", "Jones"),
    ChildRef(24, "Isabella", "Jones"),
    ChildRef(25, "Alexander", "Jones"),
)
NOWAK = (ChildRef(26, "Maja", "Nowak"),)
SILVA = (ChildRef(17, "Beatriz", "Silva", "Bia"), ChildRef(18, "Tomás", "Silva"))
LOOKALIKES = (ChildRef(30, "Amelia", "Lee"), ChildRef(31, "Amalia", "Lee"))


def context(children: tuple[ChildRef, ...], preferred: str | None = None) -> NluContext:
    """A Monday-morning context in London for these children."""
    return NluContext(
        children=children, now=MONDAY, timezone="Europe/London", preferred_language=preferred
    )


def read(
    text: str, children: tuple[ChildRef, ...] = (), preferred: str | None = None
) -> Understanding:
    """Understand one message for a family."""
    from bot.nlu import understand

    return understand(text, context(children, preferred))
