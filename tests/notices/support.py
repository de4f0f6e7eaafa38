"""Shared numbers and small look-ups for the notices tests (the demo nursery's roster)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Child, Outbox

SARAH, MARK, LINDA = "+447700900101", "+447700900102", "+447700900103"  # Maya and Leo's family
MAGDA = "+447700900111"  # Kuba and Zosia's mother (Polish)
FIONA = "+447700900121"  # Isla's mother
MIHAI = "+447700900152"  # Andrei's father, may not give collection permission
STRANGER = "+447700900999"
PRIYA, JESS, TOM = "+447700900001", "+447700900002", "+447700900003"  # manager, key persons
CHASE_TIME = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday, 09:30 in London
CALL_TIME = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
NOT_EXPECTED_ON_MONDAY = {"Fatima Hussain", "Harleen Kaur"}


def child_id(sessions: sessionmaker[Session], first_name: str) -> int:
    """The id of the demo child with this first name."""
    with sessions() as session:
        found = session.scalar(select(Child.id).where(Child.first_name == first_name))
        assert found is not None
        return found


def count(sessions: sessionmaker[Session], model: type, *where: Any) -> int:
    """Rows of `model` matching `where`."""
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def outbox(sessions: sessionmaker[Session], *where: Any) -> list[Outbox]:
    """Outbox rows matching `where`, oldest first (detached, read-only)."""
    with sessions() as session:
        rows = list(session.scalars(select(Outbox).where(*where).order_by(Outbox.id)))
        session.expunge_all()
        return rows
