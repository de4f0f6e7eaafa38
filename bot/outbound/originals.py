"""The English original of a translated message, shown on request to the guardian it was sent to.

A translated broadcast or staff reply keeps its English in `Outbox.original_text` and carries the
choice `original:<outbox id>` ("Show in English", curated in the parent's language). Telegram and
the web chat send that id back when tapped. On SMS and WhatsApp the parent answers with the
choice's number: a broadcast is sent outside any turn, so the conversation's offered choices do
not know it, and the number is read against the last message sent to this guardian instead.
Only the guardian a row was addressed to ever sees its original (safeguarding).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Outbox
from bot.flows.turn import StepResult, Turn
from bot.i18n.catalog import Catalog
from bot.outbound.render import answer_number, choice_for
from bot.types import Intent, Reply

PREFIX = "original:"
SHOW_KEY = "original.show"
HEADING_KEY = "original.heading"
MAX_DIGITS = 12  # an outbox id; a longer forged number is no row (and no database error)


def keep_original(
    session: Session, rows: list[tuple[int, str]], english_text: str, catalog: Catalog
) -> None:
    """Store the English on these (outbox id, language) pairs and offer it as a choice labelled
    in each row's language."""
    if not rows:
        return
    languages = dict(rows)
    for row in session.scalars(select(Outbox).where(Outbox.id.in_(languages))):
        row.original_text = english_text
        show = {"id": f"{PREFIX}{row.id}", "label": catalog.text(SHOW_KEY, languages[row.id])}
        row.choices = [*row.choices, show]


def show_original(
    session: Session, turn: Turn, state: str, context: dict[str, Any]
) -> StepResult | None:
    """The English original when a guardian asks for one sent to them; None otherwise, and the
    flows handle the message. The pending flow state is kept."""
    guardian_id = turn.sender.guardian_id
    choice_id = _asked_for(session, turn, guardian_id) if guardian_id is not None else None
    row = sent_original(session, guardian_id, choice_id) if guardian_id and choice_id else None
    if row is None:
        return None
    reply = Reply(f"{turn.say(HEADING_KEY)}\n\n{row.original_text}")
    return StepResult((reply,), state=state, context=context, intent=Intent.OTHER)


def sent_original(session: Session, guardian_id: int, choice_id: str) -> Outbox | None:
    """The outbox row an `original:<id>` choice names, when it was sent to this guardian with an
    English original; None for any other choice id (only its addressee ever sees it)."""
    number_text = choice_id.removeprefix(PREFIX)
    if number_text == choice_id or not number_text.isdecimal() or len(number_text) > MAX_DIGITS:
        return None
    row = session.get(Outbox, int(number_text))
    if row is None or row.guardian_id != guardian_id or not row.original_text:
        return None
    return row


def _asked_for(session: Session, turn: Turn, guardian_id: int) -> str | None:
    """The tapped choice id, or the one the numbered answer picks from the last message sent to
    this guardian."""
    choice_id = turn.choice_id
    if not (choice_id or "").startswith(PREFIX) and answer_number(turn.text) is not None:
        last = session.scalar(
            select(Outbox.choices)
            .where(Outbox.guardian_id == guardian_id)
            .order_by(Outbox.id.desc())
            .limit(1)
        )
        choice_id = choice_for(turn.text, [str(choice["id"]) for choice in last or []]) or choice_id
    return choice_id
