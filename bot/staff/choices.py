"""Buttons on staff alerts, and reading them back as staff commands.

A notice's alert carries Acknowledge (`staff:ack:A12`, as "ack A12"); a parent's message that
needs an answer carries Reply (`staff:reply:H5`: the bot asks for the answer, and the member's
next message goes to the parent as "reply H5 ..." would). Telegram and the web chat send the id
back when tapped; on SMS (and wherever the buttons do not fit) the renderer lists them as
numbers, and a bare number is read against the last message sent to that member of staff, as a
parent's "Show in English" number is (bot/outbound/originals.py).
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.db.models import Outbox
from bot.i18n.catalog import Catalog
from bot.outbound.originals import numbered_choice
from bot.staff.commands import Acknowledge, AskForAnswer, CancelAnswer, Command, Help, parse
from bot.types import Choice

PREFIX = "staff:"
ACK = f"{PREFIX}ack:"
REPLY = f"{PREFIX}reply:"
CANCEL = f"{PREFIX}cancel"
_NOTICE_REF = re.compile(r"^([AC])(\d{1,9})$")
_HANDOFF_REF = re.compile(r"^H(\d{1,9})$")


def acknowledge_choice(catalog: Catalog, ref: str) -> Choice:
    """Acknowledge notice `ref` ("A12", "C7")."""
    return Choice(f"{ACK}{ref}", catalog.text("choice.acknowledge", "en"))


def reply_choice(catalog: Catalog, handoff_id: int) -> Choice:
    """Answer the parent behind handoff H<id>."""
    return Choice(f"{REPLY}H{handoff_id}", catalog.text("choice.reply", "en"))


def cancel_choice(catalog: Catalog) -> Choice:
    """Send nothing after all."""
    return Choice(CANCEL, catalog.text("choice.cancel", "en"))


def command_for(choice_id: str) -> Command | None:
    """The staff command a button's id stands for; None for an id that is not a staff button."""
    if choice_id == CANCEL:
        return CancelAnswer()
    if choice_id.startswith(ACK) and (notice := _NOTICE_REF.match(choice_id.removeprefix(ACK))):
        return Acknowledge(notice.group(1), int(notice.group(2)))
    if choice_id.startswith(REPLY) and (item := _HANDOFF_REF.match(choice_id.removeprefix(REPLY))):
        return AskForAnswer(int(item.group(1)))
    if choice_id.startswith(PREFIX):
        return None
    offered = parse(choice_id)  # a choice another staff reply offered ("evening:send:3")
    return None if isinstance(offered, Help) else offered


def tapped_command(
    session: Session, staff_id: int, tapped: str | None, text: str
) -> Command | None:
    """The command a tapped staff button, or a number answering the last message sent to this
    member of staff, stands for; None when the message is neither."""
    if tapped is not None:
        return command_for(tapped)
    picked = numbered_choice(session, text, Outbox.staff_id == staff_id)
    return command_for(picked) if picked else None
