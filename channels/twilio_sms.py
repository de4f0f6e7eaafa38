"""SMS through Twilio: signed webhooks, numbered choices, segment-aware replies, opt-out."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from twilio.rest import Client

from bot.outbound.channel import RateLimit, SendResult
from bot.outbound.render import render
from bot.outbound.sms_text import fit_segments, gsm_safe
from bot.service import CoreService
from bot.types import ChannelCapabilities, OutboundMessage, Reply
from channels.twilio_common import TwilioConfig, build_channel_router, create_message

# No buttons: choices go as a numbered list, answered "1", "2". Twilio takes 1,600 characters;
# the segment budget (SMS_SEGMENT_BUDGET) keeps a reply well inside that.
CAPABILITIES = ChannelCapabilities(max_text_length=1600)


def render_sms(reply: Reply, segment_budget: int) -> str:
    """The SMS body: GSM-safe text cut to the segment budget, the numbered choices kept whole."""
    shown = render(reply, CAPABILITIES)
    return fit_segments(gsm_safe(shown.text), segment_budget, gsm_safe(shown.listed))


class SmsSender:
    """Sends outbox rows as SMS with the real twilio Client (sync, so in a thread)."""

    capabilities = CAPABILITIES

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


def build_router(core: CoreService, config: TwilioConfig) -> APIRouter:
    """POST /twilio/sms (inbound SMS) and POST /twilio/sms/status (delivery status)."""
    return build_channel_router(core, config, "sms")
