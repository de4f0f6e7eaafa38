"""Who is writing: a channel identity matched to a guardian, a member of staff, or nobody known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import (
    Arrival,
    ChannelIdentity,
    Child,
    Guardian,
    GuardianChild,
    Room,
    Staff,
    table_of,
)
from bot.flows.turn import ChildView, SenderView
from bot.types import ChildRef, SenderKind

# Built once: building a statement with loader options costs more than running it.
IDENTITY = select(ChannelIdentity).where(
    ChannelIdentity.channel == bindparam("channel"),
    ChannelIdentity.external_id == bindparam("external_id"),
)
TOUCH = (  # when the person last wrote (WhatsApp's 24-hour window, preferred channel)
    update(table_of(ChannelIdentity))
    .where(table_of(ChannelIdentity).c.id == bindparam("identity_id"))
    .values(last_inbound_at=bindparam("at"))
)
PHONE_CHANNELS = frozenset({"sms", "whatsapp", "webchat", "terminal"})


def _sender_rows() -> Select[Any]:
    """An identity with its guardian's children (room, key person, arrival today) as plain rows:
    one query, and no ORM objects to build for the turn, which needs only the values."""
    identities, guardians, links = (
        ChannelIdentity.__table__,
        Guardian.__table__,
        GuardianChild.__table__,
    )
    children, rooms, key_people = Child.__table__, Room.__table__, Staff.__table__.alias("key")
    arrivals = Arrival.__table__
    joined = (
        identities.outerjoin(guardians, guardians.c.id == identities.c.guardian_id)
        .outerjoin(links, links.c.guardian_id == guardians.c.id)
        .outerjoin(children, children.c.id == links.c.child_id)
        .outerjoin(rooms, rooms.c.id == children.c.room_id)
        .outerjoin(key_people, key_people.c.id == children.c.key_person_id)
        .outerjoin(
            arrivals,
            (arrivals.c.child_id == children.c.id) & (arrivals.c.on_date == bindparam("today")),
        )
    )
    columns = (
        identities.c.id,
        identities.c.guardian_id,
        identities.c.staff_id,
        guardians.c.name,
        guardians.c.can_collect,
        guardians.c.language,
        children.c.id.label("child_id"),
        children.c.first_name,
        children.c.last_name,
        children.c.known_as,
        children.c.authorised_collectors,
        children.c.attendance_days,
        rooms.c.name.label("room"),
        key_people.c.name.label("key_person"),
        arrivals.c.at.label("arrived_at"),
    )
    return (
        select(*columns)
        .select_from(joined)
        .where(
            identities.c.channel == bindparam("channel"),
            identities.c.external_id == bindparam("external_id"),
        )
        .order_by(children.c.id)
    )


SENDER_ROWS = _sender_rows()  # built once: building a statement costs more than running it


@dataclass(frozen=True)
class Identified:
    """The identity (created on first contact) and the sender as flows see them; a member of
    staff also as a row, for staff commands."""

    identity_id: int
    sender: SenderView
    staff: Staff | None


def identify(
    session: Session, setting_id: int, channel: str, external_id: str, at: datetime
) -> Identified:
    """Find or create the channel identity; phone channels match the roster by E.164 number.
    `at` is now in the setting's time zone: its day is the day children are signed in."""
    where = {"channel": channel, "external_id": external_id, "today": at.date()}
    rows = session.execute(SENDER_ROWS, where).all()
    if not rows:  # first contact: made (and matched by phone) now
        identity_for(session, setting_id, channel, external_id)
        rows = session.execute(SENDER_ROWS, where).all()
    first = rows[0]
    session.execute(TOUCH, {"identity_id": first.id, "at": at})
    if first.guardian_id is not None:
        return Identified(first.id, _guardian_view(rows, at), None)
    staff = session.get(Staff, first.staff_id) if first.staff_id is not None else None
    if staff is not None:
        sender = SenderView(kind=SenderKind.STAFF, name=staff.name, staff_id=staff.id)
        return Identified(first.id, sender, staff)
    return Identified(first.id, SenderView(kind=SenderKind.UNKNOWN), None)


def _guardian_view(rows: Sequence[Row[Any]], at: datetime) -> SenderView:
    """The guardian as flows see them, from their identity's rows (one per child)."""
    first = rows[0]
    return SenderView(
        kind=SenderKind.GUARDIAN,
        name=first.name,
        guardian_id=first.guardian_id,
        can_give_collection_permission=first.can_collect,
        language=first.language,
        children=tuple(
            ChildView(
                ref=ChildRef(row.child_id, row.first_name, row.last_name, row.known_as),
                room=row.room,
                key_person=row.key_person,
                authorised_collectors=tuple(row.authorised_collectors),
                attendance_days=tuple(row.attendance_days),
                signed_in=row.arrived_at.astimezone(at.tzinfo).strftime("%H:%M")
                if row.arrived_at
                else None,
            )
            for row in rows
            if row.child_id is not None
        ),
    )


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


def find_identity(session: Session, channel: str, external_id: str) -> ChannelIdentity | None:
    """The identity for (channel, external id), if any."""
    return session.scalars(IDENTITY, {"channel": channel, "external_id": external_id}).one_or_none()


def identity_for(
    session: Session, setting_id: int, channel: str, external_id: str
) -> ChannelIdentity:
    """The identity for (channel, external id), created (phone channels: matched) if absent."""
    identity = find_identity(session, channel, external_id)
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
