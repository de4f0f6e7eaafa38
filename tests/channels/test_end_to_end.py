"""Webhook in, reply out: the routers, a real Engine, the worker and the fake providers."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.models import Outbox
from bot.outbound.delivery import DeliveryWorker
from bot.service import Recipients
from channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramConfig, TelegramSender, make_bot
from channels.twilio_common import TwilioConfig, make_client
from channels.twilio_sms import SmsSender
from channels.whatsapp import WhatsAppSender
from tests.channels.support import PUBLIC, SARAH
from tests.conftest import MONDAY_MORNING
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.twilio_http import RecordingTwilioHttpClient


def statuses(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(row.channel, row.status) for row in session.scalars(select(Outbox))]


async def test_telegram_start_reaches_the_fake_bot_api_once(
    client: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    fake_bot_api: FakeBotApi,
) -> None:
    user = {"id": 555, "is_bot": False, "first_name": "Sarah"}
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/start",
            "from": user,
            "chat": {"id": 555, "type": "private"},
        },
    }
    for _ in range(2):  # Telegram redelivers
        client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "s3cret-Token_1"})
    async with make_bot(telegram_config) as bot:
        worker = DeliveryWorker(sessions, {"telegram": TelegramSender(bot)})
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0
    [sent] = fake_bot_api.sent()
    assert sent.params["chat_id"] == 555
    assert sent.params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert statuses(sessions) == [("telegram", "sent")]


async def test_sms_and_whatsapp_replies_go_out_through_the_twilio_client(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    validator = RequestValidator(twilio_config.auth_token)
    for path, prefix, sid in (("/twilio/sms", "", "SM1"), ("/twilio/whatsapp", "whatsapp:", "SM2")):
        params = {
            "MessageSid": sid,
            "From": prefix + SARAH,
            "To": prefix + "+447700900500",
            "Body": "What time do you open on Friday?",
        }
        signature = validator.compute_signature(PUBLIC + path, params)
        client.post(path, data=params, headers={"X-Twilio-Signature": signature})
    http = RecordingTwilioHttpClient()
    twilio = make_client(twilio_config, http)
    senders = {
        "sms": SmsSender(twilio, twilio_config),
        # The window is judged by the clock the engine stamped Sarah's message with, a minute on
        # (by the machine's clock it closed 24 hours after the fixed test morning).
        "whatsapp": WhatsAppSender(
            twilio,
            twilio_config,
            Recipients(sessions),
            clock=lambda: MONDAY_MORNING + timedelta(minutes=1),
        ),
    }
    handled = await DeliveryWorker(sessions, senders).run_once()
    assert handled == len(http.calls) >= 2
    targets = {(call.data["To"], "Body" in call.data) for call in http.calls}
    assert {(SARAH, True), (f"whatsapp:{SARAH}", True)} <= targets  # in the window: free text
    assert {status for _, status in statuses(sessions)} == {"sent"}
