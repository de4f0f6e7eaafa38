"""WhatsApp through Twilio: the `whatsapp:` webhook family and the 24-hour reply window.

Inside the window a reply goes as free-form text with its choices numbered (answered "1", "2";
the core maps them back). Twilio's quick-reply buttons need a Content resource created per
message through the Content API, so they are not used. Outside the window only an approved
template may go: the configured one (ContentSid + the text as variable 1), or, with none
configured, the send fails with "outside_window" and the delivery worker falls back to the
guardian's next channel.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from twilio.rest import Client

from bot.outbound.channel import OUTSIDE_WINDOW, RateLimit, SendResult, SendStatus
from bot.outbound.render import render
from bot.service import CoreService, Recipients
from bot.types import ChannelCapabilities, OutboundMessage, Reply
from channels.twilio_common import (
    WHATSAPP_PREFIX,
    TwilioConfig,
    build_channel_router,
    create_message,
)

WINDOW = timedelta(hours=24)
TEMPLATE_VARIABLE_LIMIT = 1000  # WhatsApp template variables: no newlines, kept short
# No buttons (see above): choices go as a numbered list. Twilio takes 1,600 characters.
CAPABILITIES = ChannelCapabilities(max_text_length=1600)


def render_whatsapp(reply: Reply) -> str:
    """Free-form text with numbered choices, within Twilio's 1,600-character body limit."""
    shown = render(reply, CAPABILITIES)
    room = CAPABILITIES.max_text_length - len(shown.listed)
    text = shown.text if len(shown.text) <= room else shown.text[: room - 3].rstrip() + "..."
    return text + shown.listed


def template_variables(reply: Reply) -> str:
    """ContentVariables JSON for the fallback template: the whole reply on one line as {{1}}."""
    flat = re.sub(r"\s+", " ", render_whatsapp(reply)).strip()
    return json.dumps({"1": flat[:TEMPLATE_VARIABLE_LIMIT]})


def in_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Whether free-form messages may go: the person wrote within the last 24 hours."""
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


class WhatsAppSender:
    """Sends outbox rows on WhatsApp: free-form inside the window, template outside it."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        client: Client,
        config: TwilioConfig,
        recipients: Recipients,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """clock tells the time the 24-hour window is judged at (the engine's clock in tests)."""
        self._client = client
        self._config = config
        self._recipients = recipients
        self._clock = clock
        self.rate_limit = RateLimit(per_second=config.messages_per_second)

    async def send(self, message: OutboundMessage) -> SendResult:
        """Create one WhatsApp message; FAILED "outside_window" when nothing may go."""
        last_inbound = await asyncio.to_thread(
            self._recipients.last_inbound_at, "whatsapp", message.recipient_id
        )
        params: dict[str, str] = {
            "from_": WHATSAPP_PREFIX + self._config.whatsapp_from,
            "to": WHATSAPP_PREFIX + message.recipient_id,
            "status_callback": self._config.status_callback_url("whatsapp"),
        }
        if in_window(last_inbound, self._clock()):
            params["body"] = render_whatsapp(message.reply)
        elif self._config.whatsapp_template_sid:
            params["content_sid"] = self._config.whatsapp_template_sid
            params["content_variables"] = template_variables(message.reply)
        else:
            return SendResult(SendStatus.FAILED, error=OUTSIDE_WINDOW)
        return await asyncio.to_thread(create_message, self._client, **params)


def build_router(core: CoreService, config: TwilioConfig) -> APIRouter:
    """POST /twilio/whatsapp (inbound) and POST /twilio/whatsapp/status (delivery status)."""
    return build_channel_router(core, config, "whatsapp")
