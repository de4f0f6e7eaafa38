"""One staff message as the staff commands see it, and the command's answer: a reply and effects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Setting, Staff
from bot.i18n.catalog import Catalog
from bot.i18n.services import TurnLanguages
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.staff.effects import StaffEffect
from bot.types import Reply


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
