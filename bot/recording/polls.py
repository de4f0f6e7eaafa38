"""Writing a guardian's answer to a poll, whatever asked it (a parents' evening, a
questionnaire): one function so both keep answers the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.db.models import PollAnswer, PollRecipient


def replace_answers(
    session: Session, recipient: PollRecipient, option_ids: Iterable[int], at: datetime
) -> None:
    """The guardian's answer becomes these options (their earlier answer is replaced)."""
    session.execute(
        delete(PollAnswer).where(
            PollAnswer.poll_id == recipient.poll_id, PollAnswer.guardian_id == recipient.guardian_id
        )
    )
    for option_id in sorted(set(option_ids)):
        session.add(
            PollAnswer(
                poll_id=recipient.poll_id, guardian_id=recipient.guardian_id, option_id=option_id
            )
        )
    recipient.answered_at = at
