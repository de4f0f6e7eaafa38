"""Who on the staff hears about a child, and the alerts sent through the outbox this turn."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Child, Staff
from bot.outbound.outbox import EVERY_CHANNEL, Reach, enqueue_to, staff_addresses, told
from bot.staff.roles import MANAGER, members_with
from bot.types import Choice, Reply


@dataclass
class StaffAlerts:
    """Sends staff alerts for one setting within the caller's transaction; records what it sent."""

    session: Session
    setting_id: int
    inbound_id: int | None
    sent: list[dict[str, Any]]  # {"to": name, "text": text}, in order; "undeliverable": why
    reach: Reach = EVERY_CHANNEL

    def managers(self) -> list[Staff]:
        """The setting's managers, oldest first."""
        return members_with(self.session, self.setting_id, MANAGER)

    def about_child(self, child: Child, text: str, choices: Sequence[Choice] = ()) -> None:
        """The child's key person, the staff of their room, and the managers."""
        room_staff = (
            list(
                self.session.scalars(
                    select(Staff).where(
                        Staff.setting_id == self.setting_id, Staff.room_id == child.room_id
                    )
                )
            )
            if child.room_id
            else []
        )
        key_person = [child.key_person] if child.key_person else []
        self.to([*key_person, *room_staff, *self.managers()], text, choices=choices)

    def to_key_person_and_managers(self, child: Child, text: str) -> None:
        """Something only the child's key person and the managers act on (a call task)."""
        self.to([*([child.key_person] if child.key_person else []), *self.managers()], text)

    def to(
        self,
        members: Iterable[Staff],
        text: str,
        kind: str = "staff_notification",
        choices: Sequence[Choice] = (),
    ) -> None:
        """One alert to each member (once each), on the best configured channel
        (bot.outbound.outbox), with these buttons (bot.staff.choices: Acknowledge, Reply); one no
        configured channel reaches is an undeliverable row, and noted as such."""
        unique = list({member.id: member for member in members}.values())
        addresses = staff_addresses(self.session, unique, self.reach)
        for member in unique:
            address = addresses[member.id]
            self.sent.append(told(member.name, text, address, choices))
            enqueue_to(
                self.session,
                self.reach,
                address,
                Reply(text, tuple(choices)),
                kind=kind,
                staff_id=member.id,
                inbound_id=self.inbound_id,
            )
