"""SMS through Twilio: signed webhooks, numbered choices, segment-aware replies, opt-out."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter
from twilio.rest import Client

from bot.outbound.channel import SendResult
from bot.outbound.delivery import RateLimit
from bot.outbound.sms_text import fit_segments, gsm_safe, numbered
from bot.types import ButtonStyle, ChannelCapabilities, OutboundMessage, Reply
from channels.twilio_common import TwilioConfig, build_channel_router, create_message

SMS_CAPABILITIES = ChannelCapabilities(
    name="sms",
    max_text_length=1600,
    buttons=ButtonStyle.NUMBERED,
    max_buttons=9,
    max_button_label=40,
    segment_budget=3,
)

if TYPE_CHECKING:
    from bot.pipeline.engine import Engine


def render_sms(reply: Reply, segment_budget: int) -> str:
    """The SMS body: GSM-safe text cut to the segment budget, the numbered choices kept whole."""
    return fit_segments(gsm_safe(reply.text), segment_budget, gsm_safe(numbered(reply.choices)))


class SmsSender:
    """Sends outbox rows as SMS with the real twilio Client (sync, so in a thread)."""

    capabilities = SMS_CAPABILITIES

    def __init__(self, client: Client, config: TwilioConfig) -> None:
        self._client = client
        self._config = config
        self.rate_limit = RateLimit(per_second=config.messages_per_second)

    async def send(self, message: OutboundMessage) -> SendResult:
        """Create one message; the outcome is mapped, never raised."""
        return await asyncio.to_thread(
            create_message,
            self._client,
            from_=self._config.sms_from,
            to=message.recipient_id,
            body=render_sms(message.reply, self._config.segment_budget),
            status_callback=self._config.status_callback_url("sms"),
        )


def build_router(engine: Engine, config: TwilioConfig) -> APIRouter:
    """POST /twilio/sms (inbound SMS) and POST /twilio/sms/status (delivery status)."""
    return build_channel_router(engine, config, "sms")
