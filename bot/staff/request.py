"""One staff message as the staff commands see it, and what carrying it out produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import Setting, Staff
from bot.i18n.catalog import Catalog
from bot.i18n.services import TurnLanguages
from bot.outbound.outbox import EVERY_CHANNEL, Reach
from bot.types import Reply


@dataclass(frozen=True)
class StaffRequest:
    """One staff message with what carrying it out needs."""

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

    def audit(self, action: str, subject: str, details: dict[str, Any] | None = None) -> None:
        """An audit entry with this member of staff as the actor."""
        audit(self.session, f"staff:{self.staff.id}", action, subject, details)


@dataclass
class StaffOutcome:
    """The reply to the member of staff and the records the command changed."""

    reply: Reply
    records: list[dict[str, Any]] = field(default_factory=list)
