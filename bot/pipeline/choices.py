"""Which choice a guardian's message answers, checked before any flow sees it.

A choice id is honoured if the conversation's last reply offered it (a numbered answer, "2" on
SMS, picks from those), or if a flow honours its choices whenever they are tapped and checks them
itself through the Turn (bot/flows/flow.py, `checks_choices`): a read-back's Change / Withdraw
(`notice:withdraw:A12`, bot/flows/refs.py), "Show in English" (`original:<outbox id>`, whose
number is read against the last message sent to the guardian, bot/outbound/originals.py).
Anything else is an expired button: no flow acts on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.outbound.originals import asked_original
from bot.outbound.render import choice_for


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """The choice a message answers: an honoured id, or an expired one, or none."""

    choice_id: str | None = None
    expired: bool = False


def read_choice(
    session: Session,
    guardian_id: int | None,
    tapped: str | None,
    text: str,
    offered: list[str],
    checked_by_flow: Callable[[str], bool],
) -> ChoiceAnswer:
    """The tapped choice, or the one a numbered answer picks, checked as above."""
    if guardian_id is None:  # unknown senders get the same answer whatever they send
        return ChoiceAnswer()
    choice_id = (
        asked_original(session, guardian_id, tapped, text) or tapped or choice_for(text, offered)
    )
    if choice_id is None:
        return ChoiceAnswer()
    if choice_id in offered or checked_by_flow(choice_id):
        return ChoiceAnswer(choice_id)
    return ChoiceAnswer(expired=True)
