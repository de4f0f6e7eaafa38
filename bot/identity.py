"""Who is writing: a channel identity matched to a guardian, a member of staff, or nobody known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from bot.db.models import ChannelIdentity, Child, Guardian, InboundLog, Staff
from bot.db.session import insert_unless_present
from bot.flows.turn import ChildView, SenderView
from bot.types import ChildRef, InboundMessage, SenderKind

# Built once: building a statement with loader options costs more than running it.
IDENTITY = select(ChannelIdentity).where(
    ChannelIdentity.channel == bindparam("channel"),
    ChannelIdentity.external_id == bindparam("external_id"),
)
TOUCH = (  # when the person last wrote (WhatsApp's 24-hour window, preferred channel)
    update(ChannelIdentity.__table__)
    .where(ChannelIdentity.__table__.c.id == bindparam("identity_id"))
    .values(last_inbound_at=bindparam("at"))
)
# An identity with its guardian (children, rooms, key persons) or staff member: one query.
IDENTITY_WITH_PERSON = IDENTITY.options(
    joinedload(ChannelIdentity.guardian)
    .joinedload(Guardian.children)
    .options(joinedload(Child.room), joinedload(Child.key_person)),
    joinedload(ChannelIdentity.staff),
)
PHONE_CHANNELS = frozenset({"sms", "whatsapp", "webchat", "terminal"})


@dataclass(frozen=True)
class Identified:
    """The identity row (created on first contact) and the sender as flows see them."""

    identity: ChannelIdentity
    sender: SenderView
    guardian: Guardian | None
    staff: Staff | None


def identify(
    session: Session, setting_id: int, channel: str, external_id: str, at: datetime
) -> Identified:
    """Find or create the channel identity; phone channels match the roster by E.164 number."""
    identity = identity_for(session, setting_id, channel, external_id, with_person=True)
    session.execute(TOUCH, {"identity_id": identity.id, "at": at})
    set_committed_value(identity, "last_inbound_at", at)
    guardian, staff = identity.guardian, identity.staff  # loaded with it (lazily when just made)
    return Identified(identity, sender_view(guardian, staff), guardian, staff)


def link_by_phone(session: Session, setting_id: int, identity: ChannelIdentity, phone: str) -> bool:
    """Point an identity at the guardian or staff member with this phone; False when none has it."""
    guardian = _guardian_with_phone(session, setting_id, phone)
    staff = (
        None
        if guardian
        else session.scalar(
            select(Staff).where(Staff.setting_id == setting_id, Staff.phone == phone)
        )
    )
    identity.guardian_id = guardian.id if guardian else None
    identity.staff_id = staff.id if staff else None
    return bool(guardian or staff)


def guardian_for(
    session: Session, setting_id: int, channel: str, external_id: str
) -> Guardian | None:
    """The guardian writing from this address, without creating anything: their identity's, or
    on a phone channel before their first message, the guardian with that phone."""
    identity = find_identity(session, channel, external_id)
    if identity is not None:
        return identity.guardian
    if channel in PHONE_CHANNELS:
        return _guardian_with_phone(session, setting_id, external_id)
    return None


def _guardian_with_phone(session: Session, setting_id: int, phone: str) -> Guardian | None:
    return session.scalar(
        select(Guardian).where(Guardian.setting_id == setting_id, Guardian.phone == phone)
    )


def sender_view(guardian: Guardian | None, staff: Staff | None) -> SenderView:
    """The sender reduced to what flows may see; unknown senders carry nothing."""
    if guardian is not None:
        return SenderView(
            kind=SenderKind.GUARDIAN,
            name=guardian.name,
            guardian_id=guardian.id,
            can_give_collection_permission=guardian.can_collect,
            language=guardian.language,
            children=tuple(child_view(child) for child in guardian.children),
        )
    if staff is not None:
        return SenderView(kind=SenderKind.STAFF, name=staff.name, staff_id=staff.id)
    return SenderView(kind=SenderKind.UNKNOWN)


def child_view(child: Child) -> ChildView:
    """A child with the room and key person names read-backs and routing need."""
    return ChildView(
        ref=ChildRef(child.id, child.first_name, child.last_name, child.known_as),
        room=child.room.name if child.room else None,
        key_person=child.key_person.name if child.key_person else None,
        authorised_collectors=tuple(child.authorised_collectors),
        attendance_days=tuple(child.attendance_days),
    )


def log_once(session: Session, inbound: InboundMessage, status: str = "received") -> int | None:
    """Insert the inbound log row; None when (channel, provider message id) was seen before.

    An adapter that answers a message itself (a linking command) logs it as "handled"."""
    return insert_unless_present(
        session,
        InboundLog,
        channel=inbound.channel,
        provider_message_id=inbound.provider_message_id,
        sender_id=inbound.sender_id,
        text=inbound.text,
        choice_id=inbound.choice_id,
        received_at=inbound.received_at,
        status=status,
        handled_at=inbound.received_at if status == "handled" else None,
    )


def find_identity(
    session: Session, channel: str, external_id: str, with_person: bool = False
) -> ChannelIdentity | None:
    """The identity for (channel, external id), if any; `with_person` loads who it speaks for."""
    query = IDENTITY_WITH_PERSON if with_person else IDENTITY
    found = session.scalars(query, {"channel": channel, "external_id": external_id})
    return found.unique().one_or_none()


def identity_for(
    session: Session, setting_id: int, channel: str, external_id: str, with_person: bool = False
) -> ChannelIdentity:
    """The identity for (channel, external id), created (phone channels: matched) if absent."""
    identity = find_identity(session, channel, external_id, with_person)
    if identity is not None:
        return identity
    identity = ChannelIdentity(channel=channel, external_id=external_id, opted_out=False)
    if channel in PHONE_CHANNELS:
        link_by_phone(session, setting_id, identity, external_id)
    try:
        with session.begin_nested():
            session.add(identity)
    except IntegrityError:  # created by a concurrent request meanwhile
        identity = find_identity(session, channel, external_id)
        assert identity is not None
    return identity
