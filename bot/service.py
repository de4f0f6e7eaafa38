"""The core as channel adapters see it: the one module of `bot/` whose functions they call.

Besides this, an adapter imports only value types (`bot.types`), the sending protocol
(`bot.outbound.channel`), the renderer and choice parser (`bot.outbound.render`) and SMS text
measures (`bot.outbound.sms_text`); `tests/test_architecture.py` checks it. An adapter verifies
and parses its provider's payload, asks the core here, and transports what comes back; it never
opens a database session. Each call below is one transaction of the core's, so what must happen
together does: a linking command's inbound row, the link and the answer are written at once, and
a replayed webhook finds its row and does nothing twice.

`CoreService` serves the inbound side (webhooks, the web chat, the terminal); `Recipients` the
outbound side, for senders that need to know about the person they send to (WhatsApp's 24-hour
window) in a process that runs no turns (`parentbot deliver`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity
from bot.db.session import transaction
from bot.outbound import delivery_status
from bot.outbound.optout import Keyword, classify, set_opt_out
from bot.outbound.outbox import enqueue, mark_shown, take_pending
from bot.pipeline.identity import identity_for
from bot.pipeline.inbound import log_once
from bot.pipeline.linking import CONTACT_REQUEST, LinkRequest, linking_reply
from bot.roster.fields import phone_e164
from bot.roster.people import demo_people
from bot.types import InboundMessage, OutboundMessage, Reply

if TYPE_CHECKING:
    from bot.pipeline.engine import Engine

__all__ = [
    "CONTACT_REQUEST",
    "Answered",
    "CoreService",
    "Keyword",
    "LinkRequest",
    "Recipients",
    "classify",
    "phone_e164",
]

SessionFactory = Callable[[], Session]


@dataclass(frozen=True, slots=True)
class Answered:
    """One message's answer as a synchronous channel shows it at once (the web chat, the
    terminal): what it was understood as, and the replies, already counted as delivered."""

    intent: str
    language: str
    replies: tuple[Reply, ...]


class CoreService:
    """What webhooks and chat pages may ask of the core, for the engine's setting."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def submit(self, inbound: InboundMessage) -> Future[bool]:
        """A webhook's message, kept at once and answered in the background (Engine.submit): the
        future says True once it is kept, False when this provider message id came before."""
        return self._engine.submit(inbound)

    def answer(self, inbound: InboundMessage) -> Answered | None:
        """Answer a message now, for a channel that shows the replies itself (they count as
        delivered); None when this provider message id came before."""
        result = self._engine.receive(inbound)
        if result is None:
            return None
        with transaction(self._engine.sessions) as session:
            mark_shown(session, result.inbound_id, inbound.channel)
        return Answered(result.intent, result.language, tuple(result.replies))

    def answer_linking(self, inbound: InboundMessage, request: LinkRequest) -> bool:
        """Do what a linking command asks and queue the answer, with the message's inbound row,
        in one transaction; False for a replay (nothing is done twice)."""
        with transaction(self._engine.sessions) as session:
            if log_once(session, inbound, status="handled") is None:
                return False
            reply, kind = linking_reply(session, self._engine.setting_id, inbound, request)
            enqueue(session, inbound.channel, inbound.sender_id, reply, kind=kind)
        return True

    def record_opt_out(self, inbound: InboundMessage, opted_out: bool) -> None:
        """Record STOP (opted out) or START on the sender's identity. A STOP goes no further,
        so its inbound row is kept here, once: a replayed STOP changes nothing."""
        with transaction(self._engine.sessions) as session:
            if opted_out and log_once(session, inbound, status="handled") is None:
                return
            setting_id = self._engine.setting_id
            identity = identity_for(session, setting_id, inbound.channel, inbound.sender_id)
            set_opt_out(session, identity, opted_out)

    def apply_status(self, provider_message_id: str, status: str, error: str | None) -> bool:
        """A provider's delivery status for the message it created with this id, forward only
        (see `bot.outbound.delivery_status.apply_status`); True if the message's row changed."""
        with transaction(self._engine.sessions) as session:
            return delivery_status.apply_status(session, provider_message_id, status, error)

    def take_inbox(self, channel: str, recipient_id: str) -> list[OutboundMessage]:
        """Messages waiting for one recipient of a pull channel (the web chat), oldest first;
        taken, they count as delivered."""
        with transaction(self._engine.sessions) as session:
            return take_pending(session, channel, recipient_id)

    def demo_people(self) -> list[dict[str, str]]:
        """Everyone the demo web chat can speak as (`bot.roster.people.demo_people`)."""
        with self._engine.sessions() as session:
            return demo_people(session, self._engine.setting_id)


class Recipients:
    """What a sender may ask about the people it sends to."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    def last_inbound_at(self, channel: str, external_id: str) -> datetime | None:
        """When this address last wrote on this channel (None: never)."""
        with self._sessions() as session:
            return session.scalar(
                select(ChannelIdentity.last_inbound_at).where(
                    ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
                )
            )
