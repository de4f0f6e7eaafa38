"""One staff message as the staff commands see it, and the command's answer: a reply and effects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Setting, Staff
from bot.i18n.catalog import Catalog
from bot.i18n.services import TurnLanguages
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.staff.commands import Command
from bot.staff.effects import StaffEffect
from bot.types import Reply

ANSWERING = "staff_answer"  # the conversation state (and context key) of an awaited answer
ANSWER_WAIT = timedelta(minutes=30)  # after this, the next message is a command again


@dataclass(frozen=True, slots=True)
class Answering:
    """The staff member's chat conversation: its id, and the handoff whose answer their next
    message is (None when it is not one)."""

    conversation_id: int
    handoff_id: int | None = None

    @classmethod
    def of(
        cls,
        conversation_id: int,
        state: str,
        context: dict[str, Any],
        updated_at: datetime,
        now: datetime,
    ) -> Answering:
        """The conversation as staff commands read it: an answer is awaited for ANSWER_WAIT."""
        handoff_id = context.get(ANSWERING)
        awaited = state == ANSWERING and isinstance(handoff_id, int)
        fresh = now - updated_at <= ANSWER_WAIT
        return cls(conversation_id, handoff_id if awaited and fresh else None)


@dataclass(frozen=True, slots=True)
class StaffSaid:
    """What a member of staff sent: chat text (with a tapped button and the chat it came by),
    or a command the dashboard typed."""

    text: str = ""
    choice_id: str | None = None
    chat: Answering | None = None
    command: Command | None = None


@dataclass(frozen=True)
class StaffRequest:
    """One staff message with what deciding the command needs (the session only reads)."""

    session: Session
    setting: Setting
    staff: Staff
    text: str
    now: datetime  # aware, in the setting's timezone
    catalog: Catalog  # parents' curated messages (acknowledgements go to parents)
    staff_catalog: Catalog
    languages: TurnLanguages  # machine translation for replies and broadcasts to parents
    reach: Reach = EVERY_CHANNEL  # the channels that can carry messages to parents now
    command: Command | None = None  # already typed (the dashboard's), else parsed from `text`
    choice_id: str | None = None  # a button tapped on a staff alert
    chat: Answering | None = None  # the chat conversation the message came by (none: dashboard)

    def say(self, key: str, **values: object) -> str:
        """Staff text (English)."""
        return self.staff_catalog.text(key, "en", **values)


@dataclass(frozen=True, slots=True)
class StaffStep:
    """A staff command's answer, as a flow step's: the reply (none when an effect makes it, as a
    broadcast's report) and the changes to apply (bot/recording/staff.py)."""

    replies: tuple[Reply, ...]
    effects: tuple[StaffEffect, ...] = ()

    @classmethod
    def say(
        cls, request: StaffRequest, key: str, /, *effects: StaffEffect, **values: object
    ) -> StaffStep:
        """A staff text as the reply, with these effects."""
        return cls((Reply(request.say(key, **values)),), effects)
