"""Writing to the outbox: every message the bot sends starts here, inside the turn's transaction.

Messages the bot starts (notices to staff, broadcasts, chases, staff replies) go to an address
chosen among the channels that can carry them now (`Reach`, plain data the wiring passes in). A
person no such channel reaches still gets a row, "undeliverable" with the reason, so staff see
it at once (`parentbot delivery-problems`) instead of a row pending forever.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.models import ChannelIdentity, Guardian, Outbox, Staff, table_of
from bot.outbound.render import numbered
from bot.outbound.sms_text import sms_parts
from bot.types import Choice, OutboundMessage, Reply

# A plain table statement built once: no ORM bookkeeping for rows only the worker reads back.
ENQUEUE = insert(table_of(Outbox)).returning(table_of(Outbox).c.id)
UNDELIVERABLE = "undeliverable"
ALL_CHANNELS = frozenset({"sms", "whatsapp", "telegram", "webchat"})
# Channels that reach a roster phone with no earlier message from it, best first (the web chat
# speaks as a roster phone in demo mode, so it is one while it is live).
PHONE_CHANNELS = ("sms", "whatsapp", "webchat")
SMS_SEGMENT_BUDGET = 3


@dataclass(frozen=True)
class Reach:
    """What can carry messages to people now: configured senders' channels and live pull channels
    (the wiring's). The default, every channel, is simulate's and the tests' stand-in for a
    deployment with every provider configured."""

    channels: frozenset[str] = ALL_CHANNELS
    sms_segment_budget: int = SMS_SEGMENT_BUDGET


EVERY_CHANNEL = Reach()


@dataclass(frozen=True, slots=True)
class Address:
    """Where one person's message goes; `problem` says why no configured channel reaches them
    (the row is then written "undeliverable", addressed as well as the roster allows)."""

    channel: str
    recipient_id: str
    problem: str | None = None


def enqueue(
    session: Session,
    channel: str,
    recipient_id: str,
    reply: Reply,
    *,
    kind: str = "reply",
    guardian_id: int | None = None,
    staff_id: int | None = None,
    inbound_id: int | None = None,
    problem: str | None = None,
) -> int:
    """Add one outbound message (its id): pending, sent by the delivery worker after commit; or,
    with a `problem`, "undeliverable" at once."""
    values = {
        "channel": channel,
        "recipient_id": recipient_id,
        "kind": kind,
        "text": reply.text,
        "choices": [{"id": choice.id, "label": choice.label} for choice in reply.choices],
        "guardian_id": guardian_id,
        "staff_id": staff_id,
        "inbound_id": inbound_id,
        "status": UNDELIVERABLE if problem else "pending",
        "last_error": problem,
    }
    return int(session.scalar(ENQUEUE, values))


def enqueue_to(
    session: Session,
    reach: Reach,
    address: Address,
    reply: Reply,
    *,
    later_choices: Iterable[str] = (),
    kind: str,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    inbound_id: int | None = None,
) -> list[int]:
    """Queue `reply` to an address chosen by `addresses`; the ids of its rows, in order.

    On SMS a text over the segment budget goes as numbered parts ("(1/2) ..."), nothing cut
    away; the choices (and `later_choices`, labels added after queueing) go on the last part."""
    texts = [reply.text]
    if address.channel == "sms" and address.problem is None:
        choices = (*reply.choices, *(Choice("", label) for label in later_choices))
        texts = sms_parts(reply.text, reach.sms_segment_budget, numbered(choices))
    parts = [Reply(text) for text in texts[:-1]] + [Reply(texts[-1], reply.choices)]
    return [
        enqueue(
            session,
            address.channel,
            address.recipient_id,
            part,
            kind=kind,
            guardian_id=guardian_id,
            staff_id=staff_id,
            inbound_id=inbound_id,
            problem=address.problem,
        )
        for part in parts
    ]


def told(name: str, text: str, address: Address, choices: Sequence[Choice] = ()) -> dict[str, Any]:
    """Who was sent what, as turn outcomes and job reports list it (with the choices offered,
    if any); "undeliverable" says why when no configured channel reaches them."""
    entry: dict[str, Any] = {"to": name, "text": text}
    if choices:
        entry |= {"choices": [c.label for c in choices], "choice_ids": [c.id for c in choices]}
    return entry | {"undeliverable": address.problem} if address.problem else entry


def staff_addresses(session: Session, members: list[Staff], reach: Reach) -> dict[int, Address]:
    """Where to reach each member of staff (one query), see `_best`."""
    return _addresses(session, ChannelIdentity.staff_id, members, reach.channels)


def guardian_addresses(
    session: Session, guardians: list[Guardian], reach: Reach
) -> dict[int, Address]:
    """Where to reach each guardian (one query), see `_best`."""
    return _addresses(session, ChannelIdentity.guardian_id, guardians, reach.channels)


def _addresses(
    session: Session,
    column: InstrumentedAttribute[int | None],
    people: Sequence[Staff | Guardian],
    channels: frozenset[str],
) -> dict[int, Address]:
    identities = session.scalars(
        select(ChannelIdentity)
        .where(column.in_([person.id for person in people]))
        .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id)
    )
    known: dict[int, list[ChannelIdentity]] = {}
    for identity in identities:
        known.setdefault(getattr(identity, column.key), []).append(identity)
    return {person.id: _best(person, known.get(person.id, []), channels) for person in people}


def _best(
    person: Staff | Guardian, identities: list[ChannelIdentity], channels: frozenset[str]
) -> Address:
    """The channel they last wrote from, if it is configured; else their phone on the first
    configured phone channel (SMS, WhatsApp, the live web chat) they have not opted out of;
    else an undeliverable address with the reason."""
    blocked = {identity.channel for identity in identities if identity.opted_out}
    for identity in identities:
        if identity.channel in channels and not identity.opted_out:
            return Address(identity.channel, identity.external_id)
    for channel in PHONE_CHANNELS:
        if person.phone and channel in channels and channel not in blocked:
            return Address(channel, person.phone)
    ways = [*(["a phone number"] if person.phone else []), *(i.channel for i in identities)]
    problem = (
        f"no configured channel reaches {person.name} (they have: {', '.join(ways) or 'nothing'};"
        f" configured: {', '.join(sorted(channels)) or 'none'})"
    )
    if identities:
        return Address(identities[0].channel, identities[0].external_id, problem)
    return Address("sms", person.phone or "", problem)


def mark_shown(session: Session, inbound_id: int, channel: str) -> None:
    """Replies a synchronous channel (web chat, terminal) has already shown count as delivered."""
    rows = session.scalars(
        select(Outbox).where(
            Outbox.inbound_id == inbound_id,
            Outbox.channel == channel,
            Outbox.status == "pending",
            Outbox.kind == "reply",
        )
    )
    for row in rows:
        row.status, row.attempts = "delivered", row.attempts + 1


def take_pending(session: Session, channel: str, recipient_id: str) -> list[OutboundMessage]:
    """Pending messages for one recipient of a pull channel (web chat inbox), now delivered."""
    rows = list(
        session.scalars(
            select(Outbox)
            .where(
                Outbox.channel == channel,
                Outbox.recipient_id == recipient_id,
                Outbox.status == "pending",
            )
            .order_by(Outbox.id)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.status, row.attempts = "delivered", row.attempts + 1
    return [detached(row) for row in rows]


def detached(row: Outbox) -> OutboundMessage:
    """The message an outbox row holds, free of the session."""
    choices = tuple(Choice(id=str(c["id"]), label=str(c["label"])) for c in row.choices or [])
    return OutboundMessage(
        outbox_id=row.id,
        channel=row.channel,
        recipient_id=row.recipient_id,
        reply=Reply(text=row.text, choices=choices),
        kind=row.kind,
    )
