"""Who a data-protection request is about, and everything that finds their data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.models import ChannelIdentity, Child, Guardian, GuardianChild
from bot.pipeline.identity import PHONE_CHANNELS


@dataclass(frozen=True)
class Subject:
    """A guardian (their ids, phones, e-mails, name, chat addresses and children) or a child."""

    setting_id: int
    label: str  # "Sarah Thompson (+447700900101)", "Maya Thompson"
    guardian_ids: frozenset[int] = frozenset()
    child_ids: frozenset[int] = frozenset()
    phones: frozenset[str] = frozenset()  # E.164
    emails: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # full names
    addresses: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (channel, id)
    raised: frozenset[int] = frozenset()  # items they raised, once the guardian row is gone

    def reached_at(
        self, channel: InstrumentedAttribute[str], address: InstrumentedAttribute[str]
    ) -> ColumnElement[bool]:
        """Rows whose (channel, address) is theirs: a chat identity, or their phone on a phone
        channel (also from before, or after, their identity existed)."""
        pairs = [and_(channel == ch, address == ext) for ch, ext in sorted(self.addresses)]
        if self.phones:
            pairs.append(and_(channel.in_(PHONE_CHANNELS), address.in_(sorted(self.phones))))
        return or_(*pairs) if pairs else false()

    def to_json(self) -> dict[str, Any]:
        """Kept on a scheduled erasure until it is done."""
        return {
            "label": self.label,
            "guardian_ids": sorted(self.guardian_ids),
            "child_ids": sorted(self.child_ids),
            "phones": sorted(self.phones),
            "emails": sorted(self.emails),
            "names": sorted(self.names),
            "addresses": [list(pair) for pair in sorted(self.addresses)],
        }

    @classmethod
    def from_json(cls, setting_id: int, data: dict[str, Any]) -> Subject:
        """The subject `to_json` kept."""
        return cls(
            setting_id,
            str(data.get("label", "")),
            frozenset(int(i) for i in data.get("guardian_ids", [])),
            frozenset(int(i) for i in data.get("child_ids", [])),
            frozenset(data.get("phones", [])),
            frozenset(data.get("emails", [])),
            frozenset(data.get("names", [])),
            frozenset((str(ch), str(ext)) for ch, ext in data.get("addresses", [])),
        )


def guardian_subject(session: Session, guardian: Guardian) -> Subject:
    """A guardian on the roster, with their children and every chat identity they have."""
    children = session.scalars(
        select(GuardianChild.child_id).where(GuardianChild.guardian_id == guardian.id)
    )
    identities = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
            ChannelIdentity.guardian_id == guardian.id
        )
    )
    return Subject(
        guardian.setting_id,
        f"{guardian.name} ({guardian.phone})",
        guardian_ids=frozenset({guardian.id}),
        child_ids=frozenset(children),
        phones=frozenset({guardian.phone} - {""}),
        emails=frozenset({guardian.email.strip()} - {""}),
        names=frozenset({guardian.name.strip()} - {""}),
        addresses=frozenset((channel, external) for channel, external in identities),
    )


def child_subject(child: Child) -> Subject:
    """A child on the roll (their records; their guardians' messages are exported per guardian)."""
    names = {f"{child.first_name} {child.last_name}", child.display_name}
    return Subject(
        child.setting_id,
        f"{child.first_name} {child.last_name}",
        child_ids=frozenset({child.id}),
        names=frozenset(names),
    )


def guardian_with_phone(session: Session, setting_id: int, phone: str) -> Guardian | None:
    """The guardian on the setting's roster with this E.164 phone."""
    return session.scalar(
        select(Guardian).where(Guardian.setting_id == setting_id, Guardian.phone == phone)
    )


def children_named(session: Session, setting_id: int, name: str) -> list[Child]:
    """Children whose full name ("Maya Thompson", or with the known-as name) is `name`, else
    whose first or known-as name alone is; any case."""
    wanted = " ".join(name.split()).casefold()
    children = list(
        session.scalars(select(Child).where(Child.setting_id == setting_id).order_by(Child.id))
    )
    full = [
        child
        for child in children
        if wanted
        in {f"{child.first_name} {child.last_name}".casefold(), child.display_name.casefold()}
    ]
    if full:
        return full
    return [
        child
        for child in children
        if wanted in {child.first_name.casefold(), (child.known_as or "").casefold()}
    ]
