"""Which choice a guardian's message answers, checked before any flow sees it.

A choice that acts on a recorded notice carries it (`notice:withdraw:A12`, bot/flows/refs.py)
and is honoured on any message, old or new, while that notice exists, is about one of the
sender's own children, was reported by them and is still active. "Show in English"
(`original:<outbox id>`) is honoured for outbox rows addressed to this guardian
(bot/outbound/originals.py).
Every other choice id is honoured only if the conversation's last reply offered it; a numbered
answer ("2" on SMS) picks from those. Anything else is an expired button: no flow acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.flows import refs
from bot.flows.draft import Draft
from bot.outbound.originals import sent_original
from bot.outbound.render import choice_for
from bot.recording.notices import own_notice


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """The choice a message answers: an honoured id (with the notice a record choice names), or
    an expired one, or none."""

    choice_id: str | None = None
    notice: Draft | None = None
    expired: bool = False


EXPIRED = ChoiceAnswer(expired=True)


def read_choice(
    session: Session,
    guardian_id: int | None,
    tapped: str | None,
    text: str,
    offered: list[str],
) -> ChoiceAnswer:
    """The tapped choice, or the offered one a numbered answer picks, checked as above."""
    choice_id = tapped or choice_for(text, offered)
    if choice_id is None:
        return ChoiceAnswer()
    if guardian_id is None:  # unknown senders get the same answer whatever they send
        return ChoiceAnswer()
    if sent_original(session, guardian_id, choice_id) is not None:
        return ChoiceAnswer(choice_id)
    if refs.acts_on_record(choice_id):
        asked = refs.parse(choice_id)
        notice = own_notice(session, guardian_id, asked.refs) if asked else None
        return ChoiceAnswer(choice_id, notice) if notice else EXPIRED
    return ChoiceAnswer(choice_id) if choice_id in offered else EXPIRED
