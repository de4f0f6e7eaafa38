"""What the Twilio SMS and WhatsApp adapters share: config, signed webhooks, REST outcomes."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, RequestException
from starlette.concurrency import run_in_threadpool
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from bot.outbound.channel import OPTED_OUT, OUTSIDE_WINDOW, SendResult, SendStatus
from bot.service import CoreService, Keyword, classify
from bot.types import InboundMessage
from channels.limits import TWILIO_BODY_LIMIT, TWILIO_TEXT_LIMIT, clean_text

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
WHATSAPP_PREFIX = "whatsapp:"
# Twilio error codes with a meaning parentbot acts on; others are kept as "twilio:<code>".
# Twilio's 429 names no wait: retry after a second, in hand, and give the pacing slot back (the
# refused request sent nothing); a run of them is a flood, which pauses the channel.
RETRY_AFTER_429 = 1.0
ERROR_REASONS = {21610: OPTED_OUT, 63016: OUTSIDE_WINDOW}
MESSAGE_SID = re.compile(r"[A-Za-z0-9]{1,64}")  # Twilio's are 34: "SM" or "MM" and 32 hex digits
SENDER = re.compile(r"[^\x00-\x1f\x7f]{1,32}")  # E.164 is 16 at most; audit rows hold 64
ERROR_CODE = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "²".isdigit() but int("²") fails


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    """Twilio account, numbers and limits. `public_base_url` is what Twilio signs (https)."""

    account_sid: str
    auth_token: str
    sms_from: str
    whatsapp_from: str
    public_base_url: str
    messages_per_second: float = 1.0
    segment_budget: int = 3
    whatsapp_template_sid: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TwilioConfig:
        """Read TWILIO_* variables, PUBLIC_BASE_URL and SMS_SEGMENT_BUDGET."""
        env = os.environ if env is None else env
        whatsapp_from = env.get("TWILIO_WHATSAPP_FROM", "")
        return cls(
            account_sid=env["TWILIO_ACCOUNT_SID"],
            auth_token=env["TWILIO_AUTH_TOKEN"],
            sms_from=env.get("TWILIO_SMS_FROM", ""),
            whatsapp_from=whatsapp_from.removeprefix(WHATSAPP_PREFIX),
            public_base_url=env["PUBLIC_BASE_URL"].rstrip("/"),
            messages_per_second=float(env.get("TWILIO_MESSAGES_PER_SECOND", "1")),
            segment_budget=int(env.get("SMS_SEGMENT_BUDGET", "3")),
            whatsapp_template_sid=env.get("TWILIO_WHATSAPP_TEMPLATE_SID") or None,
        )

    def status_callback_url(self, channel: str) -> str:
        """Where Twilio posts delivery status for the messages a channel creates."""
        return f"{self.public_base_url}{inbound_path(channel)}/status"


def inbound_path(channel: str) -> str:
    """The webhook path of a Twilio channel: /twilio/sms or /twilio/whatsapp."""
    return f"/twilio/{channel}"


def build_channel_router(core: CoreService, config: TwilioConfig, channel: str) -> APIRouter:
    """POST /twilio/<channel> (inbound) and /twilio/<channel>/status (delivery status)."""
    router = APIRouter(max_body_size=TWILIO_BODY_LIMIT)

    @router.post(inbound_path(channel))
    async def inbound_webhook(request: Request) -> Response:
        return await handle_inbound(core, await verified_form(request, config), channel)

    @router.post(inbound_path(channel) + "/status")
    async def status_callback(request: Request) -> Response:
        return await handle_status(core, await verified_form(request, config))

    return router


def make_client(config: TwilioConfig, http_client: TwilioHttpClient | None = None) -> Client:
    """The real twilio REST client (a recording HTTP layer in tests)."""
    return Client(config.account_sid, config.auth_token, http_client=http_client)


async def verified_form(request: Request, config: TwilioConfig) -> dict[str, str]:
    """The webhook's form fields, if X-Twilio-Signature is valid for the public URL; else 403.

    The URL is rebuilt from the configured public base URL, not the request's own host, so it
    still matches behind a proxy or load balancer.
    """
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    url = config.public_base_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(config.auth_token).validate(url, params, signature):
        raise HTTPException(status_code=403, detail="invalid signature")
    return params


def twiml_response() -> Response:
    """An empty TwiML answer: replies go out through the outbox and the REST API."""
    return Response(content=EMPTY_TWIML, media_type="application/xml")


class NotAMessage(ValueError):
    """A signed webhook that is not a Twilio message: no MessageSid or From, or ones that no
    Twilio message has."""


def parse_inbound(params: Mapping[str, str], channel: str) -> InboundMessage:
    """A Twilio message webhook as an InboundMessage (phone without the whatsapp: prefix);
    a Body over Twilio's 1,600 characters is kept cut to that. NotAMessage when it is none."""
    sid = params.get("MessageSid", "")
    sender = params.get("From", "").removeprefix(WHATSAPP_PREFIX)
    if not MESSAGE_SID.fullmatch(sid) or not SENDER.fullmatch(sender):
        raise NotAMessage(f"MessageSid {sid[:40]!r}, From {sender[:40]!r}")
    return InboundMessage(
        channel=channel,
        sender_id=sender,
        text=clean_text(params.get("Body", ""), TWILIO_TEXT_LIMIT, f"{channel} message {sid}"),
        provider_message_id=sid,
        received_at=datetime.now(UTC),
        display_name=params.get("ProfileName") or None,
        raw=dict(params),
    )


async def handle_inbound(core: CoreService, params: Mapping[str, str], channel: str) -> Response:
    """Record opt-out/in keywords, then hand the message to the core (which dedupes it).

    STOP is logged and recorded here and goes no further: Twilio answers it and nothing more
    may be sent. START/YES are recorded and passed on ("yes" may answer a question); HELP
    reaches the core's help.
    """
    try:
        inbound = parse_inbound(params, channel)
    except NotAMessage as problem:
        log.warning("%s webhook refused: %s", channel, problem)
        raise HTTPException(status_code=400, detail="not a message webhook") from None
    keyword = classify(inbound.text, channel)
    if keyword in (Keyword.STOP, Keyword.START):
        await run_in_threadpool(core.record_opt_out, inbound, keyword is Keyword.STOP)
    if keyword is not Keyword.STOP:
        await asyncio.wrap_future(core.submit(inbound))
    return twiml_response()


async def handle_status(core: CoreService, params: Mapping[str, str]) -> Response:
    """A status callback: move the outbox row forward (never back). A callback for an id no
    Twilio message has changes nothing; an ErrorCode that is not a number is left out."""
    sid, status = params.get("MessageSid", ""), params.get("MessageStatus")
    if MESSAGE_SID.fullmatch(sid) and status:
        code = params.get("ErrorCode", "")
        error = reason_for(int(code)) if ERROR_CODE.fullmatch(code) else None
        await run_in_threadpool(core.apply_status, sid, status, error)
    return Response(status_code=204)


def reason_for(code: int | None) -> str:
    """The outbox error for a Twilio error code."""
    return ERROR_REASONS.get(code or 0, f"twilio:{code}")


def create_message(client: Client, **params: Any) -> SendResult:
    """messages.create once, the outcome mapped: only a 429 or a refused connection retries.

    A timeout or 5xx after the request went out is ambiguous (it may have been sent): UNKNOWN.
    """
    try:
        message = client.messages.create(**params)
    except TwilioRestException as exc:
        if exc.status == 429:
            error = f"twilio:{exc.code or 429}"
            return SendResult(SendStatus.RETRY, retry_after=RETRY_AFTER_429, error=error)
        if exc.status >= 500:
            return SendResult(SendStatus.UNKNOWN, error=f"twilio http {exc.status}")
        return SendResult(SendStatus.FAILED, error=reason_for(exc.code))
    except RequestException as exc:
        if _not_sent(exc):
            return SendResult(SendStatus.RETRY, error=f"connection: {exc}")
        return SendResult(SendStatus.UNKNOWN, error=f"ambiguous: {exc.__class__.__name__}")
    return SendResult(SendStatus.SENT, provider_message_id=message.sid)


def _not_sent(exc: RequestException) -> bool:
    """Whether the request certainly never reached Twilio (refused or timed out connecting)."""
    if isinstance(exc, ConnectTimeout):
        return True
    if not isinstance(exc, RequestsConnectionError) or not exc.args:
        return False
    cause = exc.args[0]
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, ConnectTimeoutError)
