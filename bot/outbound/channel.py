"""The adapter protocol: what the core asks of a channel to deliver an outbound message."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.types import ChannelCapabilities, OutboundMessage


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


class ChannelSender(Protocol):
    """One adapter's outbound side. Adapters render `Reply` for their own capabilities."""

    capabilities: ChannelCapabilities

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one message; never raises for provider errors, returns a SendResult instead."""
        ...
