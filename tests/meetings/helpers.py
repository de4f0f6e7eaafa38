"""Demo people and small look-ups for the meeting tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import MEETING_BOOKED, Meeting
from bot.pipeline.engine import TurnResult

SARAH = "+447700900101"  # Maya and Leo's mum (English)
MARK = "+447700900102"  # their dad
MAGDA = "+447700900111"  # Kuba and Zosia's mum (Polish)
NADIA = "+447700900131"  # Ayaan and Fatima's mum (Urdu)
FIONA = "+447700900121"  # Isla's mum (key person Jess Hughes, as Maya's)
JESS = "+447700900002"  # key person of Maya and Isla
ANIA = "+447700900004"  # key person of Zosia and Fatima


def choice_ids(result: TurnResult, prefix: str = "") -> list[str]:
    """The choice ids the turn's replies offered, starting with `prefix`."""
    ids = [choice.id for reply in result.replies for choice in reply.choices]
    return [choice for choice in ids if choice.startswith(prefix)]


def booked(sessions: sessionmaker[Session]) -> list[Meeting]:
    """The booked meetings, oldest first."""
    with sessions() as session:
        query = select(Meeting).where(Meeting.status == MEETING_BOOKED).order_by(Meeting.id)
        return list(session.scalars(query))


def text_of(result: TurnResult) -> str:
    """Every reply's text, one per line."""
    return "\n".join(reply.text for reply in result.replies)
