"""The adapter protocol: what the core asks of a channel to deliver an outbound message, and the
outcomes, failure reasons and pacing a sender reports in."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.types import ChannelCapabilities, OutboundMessage

# Send failures the core acts on (SendResult.error): both send the message on through the
# guardian's next channel (bot/outbound/delivery_status.py).
OPTED_OUT = "opted_out"  # the recipient blocked this channel: record it, use another channel
OUTSIDE_WINDOW = "outside_window"  # WhatsApp: no open session and no template
POLL_KIND = "poll"  # an outbox row that is a poll: a channel with native polls may send one


class SendStatus(enum.StrEnum):
    """What happened when a channel tried to send."""

    SENT = "sent"  # accepted by the provider
    RETRY = "retry"  # retryable (429, connection refused before sending): try again later
    FAILED = "failed"  # permanent (invalid number, opted out, blocked)
    UNKNOWN = "unknown"  # ambiguous (timeout or 5xx on create): may have gone; never resend blindly


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one send attempt."""

    status: SendStatus
    provider_message_id: str | None = None
    retry_after: float | None = None  # seconds, when the provider said so
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RateLimit:
    """How fast a channel may send: overall, and to any one recipient. A sender declares it as
    `rate_limit` (absent: unpaced); the delivery worker paces by it."""

    per_second: float
    per_recipient_per_second: float | None = None


class ChannelSender(Protocol):
    """One adapter's outbound side: it shows each `Reply` as `bot.outbound.render.render` makes
    it for the sender's `capabilities`, and only transports the result."""

    capabilities: ChannelCapabilities

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one message; never raises for provider errors, returns a SendResult instead."""
        ...
