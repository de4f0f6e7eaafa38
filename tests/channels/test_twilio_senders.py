"""Twilio senders: the real twilio Client over a recording HTTP layer; outcomes and rendering."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, utcnow
from bot.db.session import transaction
from bot.outbound.channel import SendStatus
from bot.outbound.sms_text import segment_count
from bot.service import Recipients
from bot.types import Choice, OutboundMessage, Reply
from channels.twilio_common import TwilioConfig, make_client
from channels.twilio_sms import SmsSender
from channels.whatsapp import WhatsAppSender, render_whatsapp
from tests.fakes.twilio_http import RecordingTwilioHttpClient

SARAH = "+447700900101"


ABSENT = "Thank you, Maya is marked absent today."


def message(text: str = ABSENT, channel: str = "sms") -> OutboundMessage:
    reply = Reply(text, (Choice("yes", "Yes"), Choice("no", "No")))
    return OutboundMessage(outbox_id=1, channel=channel, recipient_id=SARAH, reply=reply)


@pytest.mark.parametrize(
    ("outcome", "status", "error"),
    [
        ("201", SendStatus.SENT, None),
        ("429", SendStatus.RETRY, "twilio:20429"),
        ("refused", SendStatus.RETRY, None),
        ("500", SendStatus.UNKNOWN, "twilio http 500"),
        ("timeout", SendStatus.UNKNOWN, "ambiguous: ReadTimeout"),
        ("21610", SendStatus.FAILED, "opted_out"),
        ("21211", SendStatus.FAILED, "twilio:21211"),
    ],
)
async def test_sms_outcomes_map_to_send_status(
    twilio_config: TwilioConfig, outcome: str, status: SendStatus, error: str | None
) -> None:
    http = RecordingTwilioHttpClient([outcome])
    result = await SmsSender(make_client(twilio_config, http), twilio_config).send(message())
    assert result.status is status
    if error:
        assert result.error == error
    assert len(http.calls) == 1  # one request, never a hidden retry
    if status is SendStatus.SENT:
        assert result.provider_message_id and result.provider_message_id.startswith("SM")


async def test_sms_request_carries_numbered_choices_and_status_callback(
    twilio_config: TwilioConfig,
) -> None:
    http = RecordingTwilioHttpClient()
    await SmsSender(make_client(twilio_config, http), twilio_config).send(message())
    [call] = http.calls
    assert call.url.endswith(f"/Accounts/{twilio_config.account_sid}/Messages.json")
    assert call.data["From"] == twilio_config.sms_from and call.data["To"] == SARAH
    assert call.data["Body"] == "Thank you, Maya is marked absent today.\n1. Yes\n2. No"
    assert call.data["StatusCallback"] == "https://nursery.example.org/twilio/sms/status"


async def test_long_sms_stays_within_the_segment_budget(twilio_config: TwilioConfig) -> None:
    http = RecordingTwilioHttpClient()
    long_text = "We\u2019re sorry to hear Maya is unwell \u2014 get well soon! 😊 " * 20
    await SmsSender(make_client(twilio_config, http), twilio_config).send(message(long_text))
    body = http.calls[0].data["Body"]
    assert segment_count(body) <= twilio_config.segment_budget
    assert body.endswith("\n1. Yes\n2. No") and "\u2019" not in body and "😊" not in body


def set_last_inbound(sessions: sessionmaker[Session], hours_ago: float | None) -> None:
    at = None if hours_ago is None else utcnow() - timedelta(hours=hours_ago)
    with transaction(sessions) as session:
        session.add(ChannelIdentity(channel="whatsapp", external_id=SARAH, last_inbound_at=at))


async def test_whatsapp_inside_the_window_sends_free_text(
    twilio_config: TwilioConfig, outbox_db: sessionmaker[Session]
) -> None:
    set_last_inbound(outbox_db, hours_ago=23)
    http = RecordingTwilioHttpClient()
    sender = WhatsAppSender(make_client(twilio_config, http), twilio_config, Recipients(outbox_db))
    result = await sender.send(message(channel="whatsapp"))
    assert result.status is SendStatus.SENT
    data = http.calls[0].data
    assert data["To"] == f"whatsapp:{SARAH}" and data["From"] == "whatsapp:+447700900501"
    assert data["Body"].endswith("\n1. Yes\n2. No") and "ContentSid" not in data


async def test_whatsapp_outside_the_window_without_template_fails_for_fallback(
    twilio_config: TwilioConfig, outbox_db: sessionmaker[Session]
) -> None:
    set_last_inbound(outbox_db, hours_ago=25)
    http = RecordingTwilioHttpClient()
    sender = WhatsAppSender(make_client(twilio_config, http), twilio_config, Recipients(outbox_db))
    result = await sender.send(message(channel="whatsapp"))
    assert (result.status, result.error, http.calls) == (SendStatus.FAILED, "outside_window", [])


async def test_whatsapp_outside_the_window_uses_the_template(
    twilio_config: TwilioConfig, outbox_db: sessionmaker[Session]
) -> None:
    set_last_inbound(outbox_db, hours_ago=None)  # never wrote
    config = TwilioConfig(**{**_fields(twilio_config), "whatsapp_template_sid": "HX" + "1" * 32})
    http = RecordingTwilioHttpClient()
    await WhatsAppSender(make_client(config, http), config, Recipients(outbox_db)).send(
        message(channel="whatsapp")
    )
    data = http.calls[0].data
    assert data["ContentSid"] == "HX" + "1" * 32 and "Body" not in data
    variables = json.loads(data["ContentVariables"])
    assert variables == {"1": "Thank you, Maya is marked absent today. 1. Yes 2. No"}


def test_whatsapp_text_fits_twilio_body_limit() -> None:
    rendered = render_whatsapp(Reply("x " * 2000, (Choice("a", "A"),)))
    assert len(rendered) <= 1600 and rendered.endswith("\n1. A")


def test_config_from_env_strips_the_whatsapp_prefix() -> None:
    config = TwilioConfig.from_env(
        {
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_SMS_FROM": "+447700900500",
            "TWILIO_WHATSAPP_FROM": "whatsapp:+447700900501",
            "PUBLIC_BASE_URL": "https://bot.example.org/",
            "TWILIO_MESSAGES_PER_SECOND": "10",
        }
    )
    assert config.whatsapp_from == "+447700900501" and config.messages_per_second == 10
    assert config.status_callback_url("sms") == "https://bot.example.org/twilio/sms/status"
    assert config.segment_budget == 3 and config.whatsapp_template_sid is None


def _fields(config: TwilioConfig) -> dict[str, object]:
    return {name: getattr(config, name) for name in TwilioConfig.__slots__}


async def test_a_twilio_429_is_retried_after_a_second_so_its_slot_is_given_back(
    twilio_config: TwilioConfig,
) -> None:
    http = RecordingTwilioHttpClient(["429"])
    result = await SmsSender(make_client(twilio_config, http), twilio_config).send(message())
    assert result.status is SendStatus.RETRY
    assert result.retry_after == 1.0  # Twilio names no wait: the worker retries it in hand
