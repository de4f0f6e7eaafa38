"""How far an evening's poll got: who answered and who has not yet (the chat's `evening status`
and the dashboard's Parents' evenings screen both read it here)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Guardian, ParentsEvening, PollRecipient


@dataclass(frozen=True, slots=True)
class PollProgress:
    """The families asked, split by whether they answered (names, in order)."""

    answered: tuple[str, ...]
    waiting: tuple[str, ...]


def poll_progress(session: Session, evening: ParentsEvening) -> PollProgress:
    """Who answered the evening's poll and who has not (both empty before it is sent)."""
    if evening.poll_id is None:
        return PollProgress((), ())
    rows = session.execute(
        select(Guardian.name, PollRecipient.answered_at)
        .join(PollRecipient, PollRecipient.guardian_id == Guardian.id)
        .where(PollRecipient.poll_id == evening.poll_id)
        .order_by(Guardian.name)
    ).all()
    answered = tuple(name for name, at in rows if at is not None)
    return PollProgress(answered, tuple(name for name, at in rows if at is None))
