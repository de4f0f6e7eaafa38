"""The English original of a translated message, kept on its outbox row for the guardian it was
sent to; showing it is the "Show in English" flow (bot/flows/original.py), which reads it through
the Turn (`original_text`).

A translated broadcast or staff reply keeps its English in `Outbox.original_text` and carries the
choice `original:<outbox id>` ("Show in English", curated in the parent's language). Telegram and
the web chat send that id back when tapped. On SMS and WhatsApp the parent answers with the
choice's number: a broadcast is sent outside any turn, so the conversation's offered choices do
not know it, and the number is read against the last message sent to this guardian instead
(`asked_original`). Only the guardian a row was addressed to ever sees its original
(safeguarding).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.db.models import Outbox
from bot.flows.consent import PREFIX as CONSENT_PREFIX  # a consent request's Yes / No
from bot.flows.original import PREFIX
from bot.flows.questionnaire import PREFIX as QUESTIONNAIRE_PREFIX  # a questionnaire's options
from bot.flows.read import PREFIX as READ_PREFIX  # an urgent broadcast's "Got it", by number too
from bot.i18n.catalog import Catalog
from bot.outbound.render import answer_number, choice_for

SHOW_KEY = "original.show"
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


def original_text(session: Session, guardian_id: int, choice_id: str) -> str | None:
    """The English an `original:<id>` choice names, when that message was sent to this guardian
    with an English original; None for any other choice id (only its addressee ever sees it)."""
    number_text = choice_id.removeprefix(PREFIX)
    if number_text == choice_id or not number_text.isdecimal() or len(number_text) > MAX_DIGITS:
        return None
    row = session.get(Outbox, int(number_text))
    if row is None or row.guardian_id != guardian_id:
        return None
    return row.original_text or None


def numbered_choice(session: Session, text: str, sent_to: ColumnElement[bool]) -> str | None:
    """The choice id a bare number ("2", "two", "dwa") picks from the last message `sent_to` a
    guardian or member of staff (e.g. `Outbox.staff_id == 3`); None when it picks none."""
    if answer_number(text) is None:
        return None
    last = session.scalar(select(Outbox.choices).where(sent_to).order_by(Outbox.id.desc()).limit(1))
    return choice_for(text, [str(choice["id"]) for choice in last or []])


def asked_original(session: Session, guardian_id: int, tapped: str | None, text: str) -> str | None:
    """The `original:<id>` choice the message asks for: tapped, or the number answered picking
    it (or an urgent broadcast's "Got it", `read:<id>`) from the last message sent to this
    guardian; None when it asks for none."""
    if (tapped or "").startswith(PREFIX):
        return tapped
    picked = numbered_choice(session, text, Outbox.guardian_id == guardian_id) or ""
    return (
        picked
        if picked.startswith((PREFIX, READ_PREFIX, CONSENT_PREFIX, QUESTIONNAIRE_PREFIX))
        else None
    )
