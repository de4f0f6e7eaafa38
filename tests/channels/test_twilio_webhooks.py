"""Twilio webhooks signed with the real RequestValidator, through a real Engine."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.models import ChannelIdentity, Guardian, InboundLog, Outbox
from bot.db.session import transaction
from bot.pipeline.engine import Engine
from channels.twilio_common import EMPTY_TWIML, TwilioConfig
from tests.channels.support import PUBLIC, SARAH, STRANGER

ABSENCE = "Maya is off sick today with a temperature"


def post(
    client: TestClient,
    config: TwilioConfig,
    path: str,
    params: dict[str, str],
    *,
    signed_url: str | None = None,
    signature: str | None = None,
) -> Response:
    url = signed_url or PUBLIC + path
    computed = RequestValidator(config.auth_token).compute_signature(url, params)
    headers = {"X-Twilio-Signature": computed if signature is None else signature}
    return client.post(path, data=params, headers=headers)


def sms(sid: str, body: str, sender: str = SARAH) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+447700900500",
        "Body": body,
        "NumMedia": "0",
    }


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_signed_sms_is_one_turn_with_a_queued_reply(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    answer = post(client, twilio_config, "/twilio/sms", sms("SM1", ABSENCE))
    assert answer.status_code == 200 and answer.text == EMPTY_TWIML
    assert answer.headers["content-type"].startswith("application/xml")
    with sessions() as session:
        [logged] = session.scalars(select(InboundLog)).all()
        replies = session.scalars(select(Outbox)).all()
    assert (logged.channel, logged.sender_id, logged.provider_message_id) == ("sms", SARAH, "SM1")
    assert replies and all(r.channel == "sms" for r in replies)
    assert any(r.recipient_id == SARAH for r in replies)


def test_a_replayed_message_sid_is_a_no_op(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    post(client, twilio_config, "/twilio/sms", sms("SM2", ABSENCE))
    before = count(sessions, Outbox)
    again = post(client, twilio_config, "/twilio/sms", sms("SM2", ABSENCE))
    assert again.status_code == 200
    assert (count(sessions, InboundLog), count(sessions, Outbox)) == (1, before)


def test_forged_missing_or_wrong_host_signatures_are_refused(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    params, path = sms("SM3", ABSENCE), "/twilio/sms"
    assert post(client, twilio_config, path, params, signature="forged=").status_code == 403
    assert client.post(path, data=params).status_code == 403
    own_host = "http://testserver/twilio/sms"  # what the request says, not the public URL
    assert post(client, twilio_config, path, params, signed_url=own_host).status_code == 403
    tampered = RequestValidator(twilio_config.auth_token).compute_signature(
        PUBLIC + "/twilio/sms", params
    )
    changed = {**params, "Body": "Please let Dave collect Maya"}
    headers = {"X-Twilio-Signature": tampered}
    assert client.post("/twilio/sms", data=changed, headers=headers).status_code == 403
    assert (count(sessions, InboundLog), count(sessions, Outbox)) == (0, 0)


def test_stop_opts_out_and_start_opts_back_in(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    for _ in range(2):  # a replay changes nothing
        post(client, twilio_config, "/twilio/sms", sms("SM4", "Stop"))
    with sessions() as session:
        identity = session.scalars(select(ChannelIdentity)).one()
        assert identity.opted_out and identity.guardian_id is not None  # matched by phone
        [logged] = session.scalars(select(InboundLog)).all()
        assert logged.text == "Stop"  # in the log for staff, like every message
    assert count(sessions, Outbox) == 0  # nothing may follow a STOP
    post(client, twilio_config, "/twilio/sms", sms("SM5", "START"))
    with sessions() as session:
        assert not session.scalars(select(ChannelIdentity)).one().opted_out


def test_help_gets_the_help_text(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    post(client, twilio_config, "/twilio/sms", sms("SM11", "HELP"))
    with sessions() as session:
        [reply] = session.scalars(select(Outbox).where(Outbox.recipient_id == SARAH)).all()
    assert "assistant" in reply.text


def test_unknown_sender_gets_a_generic_answer_only(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    post(client, twilio_config, "/twilio/sms", sms("SM6", "Is Maya in today?", STRANGER))
    with sessions() as session:
        texts = [row.text for row in session.scalars(select(Outbox))]
    assert texts and not any("Maya" in text or "Saplings" in text for text in texts)


def test_whatsapp_webhook_strips_the_prefix_and_opens_the_window(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    params = sms("SM7", ABSENCE, f"whatsapp:{SARAH}") | {
        "To": "whatsapp:+447700900501",
        "ProfileName": "Sarah",
        "WaId": SARAH.lstrip("+"),
    }
    assert post(client, twilio_config, "/twilio/whatsapp", params).status_code == 200
    with sessions() as session:
        identity = session.scalars(select(ChannelIdentity)).one()
        replies = session.scalars(select(Outbox)).all()
    assert (identity.channel, identity.external_id) == ("whatsapp", SARAH)
    assert identity.last_inbound_at is not None
    to_sarah = {r.channel for r in replies if r.recipient_id == SARAH}
    assert to_sarah == {"whatsapp"}  # staff alerts may go elsewhere


def test_status_callbacks_move_rows_forward_only(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        row = Outbox(channel="sms", recipient_id=SARAH, text="Hi", status="sent")
        row.provider_message_id = "SM8"
        session.add(row)
    for status in ("delivered", "sent", "queued"):
        params = {"MessageSid": "SM8", "MessageStatus": status, "AccountSid": "AC1"}
        assert post(client, twilio_config, "/twilio/sms/status", params).status_code == 204
    forged = {"MessageSid": "SM8", "MessageStatus": "failed", "ErrorCode": "30003"}
    assert (
        post(client, twilio_config, "/twilio/sms/status", forged, signature="x").status_code == 403
    )
    with sessions() as session:
        assert session.scalars(select(Outbox)).one().status == "delivered"


def test_failed_status_with_21610_records_the_opt_out(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        session.add(
            Outbox(
                channel="sms",
                recipient_id=SARAH,
                text="Hi",
                status="sent",
                provider_message_id="SM9",
            )
        )
    params = {"MessageSid": "SM9", "MessageStatus": "failed", "ErrorCode": "21610"}
    post(client, twilio_config, "/twilio/sms/status", params)
    with sessions() as session:
        assert session.scalars(select(Outbox)).first().last_error.startswith("opted_out")
        assert session.scalars(select(ChannelIdentity)).one().opted_out


def test_whatsapp_window_failure_callback_falls_back_to_sms(
    client: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        sarah = session.scalars(select(Guardian).where(Guardian.phone == SARAH)).one().id
    with transaction(sessions) as session:
        session.add(
            Outbox(
                channel="whatsapp",
                recipient_id=SARAH,
                text="Hi",
                status="sent",
                provider_message_id="SM10",
                guardian_id=sarah,
            )
        )
    params = {"MessageSid": "SM10", "MessageStatus": "undelivered", "ErrorCode": "63016"}
    assert post(client, twilio_config, "/twilio/whatsapp/status", params).status_code == 204
    with sessions() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
    assert [(r.channel, r.status, r.last_error) for r in rows] == [
        ("whatsapp", "undelivered", "outside_window"),
        ("sms", "pending", None),
    ]


def test_with_turns_queued_a_signed_sms_is_kept_and_answered_by_the_turns_process(
    client: TestClient, twilio_config: TwilioConfig, engine: Engine
) -> None:
    engine.queue_turns = True  # PARENTBOT_TURNS=queued: this web process only keeps messages
    answer = post(client, twilio_config, "/twilio/sms", sms("SMq", ABSENCE))
    assert answer.status_code == 200 and answer.text == EMPTY_TWIML
    assert (count(engine.sessions, InboundLog), count(engine.sessions, Outbox)) == (1, 0)
    assert engine.handle_received() == 1
    assert count(engine.sessions, Outbox) >= 1
