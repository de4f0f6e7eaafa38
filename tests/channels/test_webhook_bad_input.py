"""Authenticated but malformed or oversized webhooks: a 2xx (ignored, logged) or a 4xx, never 5xx.

Each request here carries the valid secret or signature: only then does the payload's shape matter.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import InboundLog, Outbox
from bot.db.session import transaction
from channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramConfig
from channels.twilio_common import TwilioConfig
from tests.channels.support import SARAH, sent_sms
from tests.channels.test_telegram_webhook import USER, message_update
from tests.channels.test_twilio_webhooks import post, sms


@pytest.fixture
def lenient(app: FastAPI) -> Iterator[TestClient]:
    """A client that sees a server error as its 500 answer, as a provider would."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def tg(client: TestClient, config: TelegramConfig, update: Any) -> int:
    headers = {SECRET_HEADER: config.webhook_secret, "Content-Type": "application/json"}
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return client.post(WEBHOOK_PATH, content=body, headers=headers).status_code


def logged(sessions: sessionmaker[Session]) -> list[InboundLog]:
    with sessions() as session:
        return list(session.scalars(select(InboundLog).order_by(InboundLog.id)))


def with_message(**fields: Any) -> dict[str, Any]:
    update = message_update(40, "hello")
    update["message"].update(fields)
    return update


MALFORMED_UPDATES = {
    "from is a string": with_message(**{"from": "Sarah"}),
    "from is a list": with_message(**{"from": [USER]}),
    "from without an id": with_message(**{"from": {"first_name": "Sarah"}}),
    "from.id is an object": with_message(**{"from": {**USER, "id": {"a": 1}}}),
    "from.id is 40 digits": with_message(**{"from": {**USER, "id": 10**40}}),
    "chat is a string": with_message(chat="private"),
    "chat is a list": with_message(chat=[]),
    "contact is a string": with_message(contact="+447700900101"),
    "contact is a list": with_message(contact=[1]),
    "text is an object": with_message(text={"a": 1}),
    "update_id is 200 digits": {**message_update(40, "hello"), "update_id": 10**200},
    "update_id is a string": {**message_update(40, "hello"), "update_id": "forty"},
    "callback_query without from": {"update_id": 41, "callback_query": {"id": "q", "data": "x"}},
    "callback_query without id": {
        "update_id": 42,
        "callback_query": {"from": USER, "data": "yes"},
    },
    "callback_query is a string": {"update_id": 43, "callback_query": "yes"},
}


@pytest.mark.parametrize("update", MALFORMED_UPDATES.values(), ids=MALFORMED_UPDATES.keys())
def test_a_malformed_telegram_update_is_ignored_with_200(
    lenient: TestClient,
    telegram_config: TelegramConfig,
    sessions: sessionmaker[Session],
    update: dict[str, Any],
) -> None:
    assert tg(lenient, telegram_config, update) == 200
    assert logged(sessions) == []


def test_a_name_or_language_that_is_not_text_is_left_out_and_the_message_kept(
    lenient: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    odd = {**USER, "first_name": 5, "last_name": ["T"], "language_code": {"pl": 1}}
    assert tg(lenient, telegram_config, with_message(**{"from": odd})) == 200
    assert [row.text for row in logged(sessions)] == ["hello"]


def test_a_tap_on_a_malformed_keyboard_is_kept_as_its_choice(
    lenient: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    query = {
        "id": "q",
        "from": USER,
        "data": "yes",
        "message": {"reply_markup": {"inline_keyboard": ["yes", [7, {"callback_data": "yes"}]]}},
    }
    assert tg(lenient, telegram_config, {"update_id": 44, "callback_query": query}) == 200
    assert [(row.text, row.choice_id) for row in logged(sessions)] == [("yes", "yes")]


def test_a_lone_surrogate_in_a_text_is_kept_as_a_replacement_character(
    lenient: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    body = json.dumps(message_update(47, "ok")).replace('"ok"', '"ok \\ud800"').encode()
    assert tg(lenient, telegram_config, body) == 200  # UTF-8 cannot hold it: it was a 500
    assert [row.text for row in logged(sessions)] == ["ok \ufffd"]


def test_a_nul_in_a_telegram_text_name_code_contact_or_tap_is_never_stored(
    lenient: TestClient, telegram_config: TelegramConfig, sessions: sessionmaker[Session]
) -> None:
    """PostgreSQL text cannot hold a NUL: what the property tests send by the ten thousand on
    SQLite, here on both backends."""
    nul_name = {**USER, "first_name": "Sa\x00rah", "language_code": "p\x00l"}
    contact = {"phone_number": "+44\x007700900101", "user_id": USER["id"]}
    tap = {"id": "q\x00", "from": USER, "data": "ye\x00s"}
    updates = [
        message_update(60, "ok\x00 then", **{"from": nul_name}),
        message_update(61, "/link AB\x00CD"),
        message_update(62, "", contact=contact),
        {"update_id": 63, "callback_query": tap},  # no button of ours carries a NUL: ignored
    ]
    assert [tg(lenient, telegram_config, update) for update in updates] == [200] * 4
    assert [row.text for row in logged(sessions)] == ["ok then", "/link ABCD", ""]


def test_deeply_nested_json_is_refused_as_not_json(
    lenient: TestClient, telegram_config: TelegramConfig
) -> None:
    deep = b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert tg(lenient, telegram_config, deep) == 400


def test_a_message_of_five_thousand_digits_is_kept_cut_to_the_provider_limit_and_answered(
    lenient: TestClient,
    telegram_config: TelegramConfig,
    twilio_config: TwilioConfig,
    sessions: sessionmaker[Session],
) -> None:
    digits = "7" * 5_000  # past int()'s 4,300 digits, and past what either provider sends
    assert tg(lenient, telegram_config, message_update(45, digits)) == 200
    assert post(lenient, twilio_config, "/twilio/sms", sms("SM45", digits)).status_code == 200
    assert [row.text for row in logged(sessions)] == [digits[:4_096], digits[:1_600]]
    with sessions() as session:
        replies = [row.text for row in session.scalars(select(Outbox))]
    assert replies and not any("something went wrong" in text for text in replies)


def test_a_body_larger_than_any_provider_sends_is_refused_with_413(
    lenient: TestClient,
    telegram_config: TelegramConfig,
    twilio_config: TwilioConfig,
    sessions: sessionmaker[Session],
) -> None:
    body = json.dumps(message_update(53, "x" * 2_000_000)).encode()  # 10 MB held SQLite 6 s
    assert tg(lenient, telegram_config, body) == 413
    chunks = (body[start : start + 65_536] for start in range(0, len(body), 65_536))
    streamed = lenient.post(  # no Content-Length: refused while the body streams in
        WEBHOOK_PATH, content=chunks, headers={SECRET_HEADER: telegram_config.webhook_secret}
    )
    assert streamed.status_code == 413
    too_long_form = post(lenient, twilio_config, "/twilio/sms", sms("SM53", "x" * 100_000))
    assert too_long_form.status_code == 413
    assert logged(sessions) == []


@pytest.mark.parametrize(
    "params",
    [
        {"Body": "hello", "From": SARAH},  # no MessageSid
        {"MessageSid": "SM47", "Body": "hello"},  # no From
        sms("SM" + "0" * 200, "hello"),  # longer than any Twilio id
        sms("SM\x0048", "hello"),  # NUL: PostgreSQL text cannot hold it
        sms("SM49", "hello", sender="+44" + "7" * 100),  # longer than any phone number
        sms("SM50", "hello", sender="+447700\x00900101"),
        sms("SM54", "STOP", sender="0" * 60),  # its opt-out audit row could not hold it
    ],
    ids=["no sid", "no from", "long sid", "nul in sid", "long from", "nul in from", "stop 60"],
)
def test_a_malformed_twilio_message_is_refused_with_400(
    lenient: TestClient,
    twilio_config: TwilioConfig,
    sessions: sessionmaker[Session],
    params: dict[str, str],
) -> None:
    assert post(lenient, twilio_config, "/twilio/sms", params).status_code == 400
    assert logged(sessions) == []


@pytest.mark.parametrize("code", ["²", "9" * 5_000, "-1", "30003.5", " 30003"])
def test_a_status_error_code_that_is_not_a_twilio_code_is_kept_as_given(
    lenient: TestClient, twilio_config: TwilioConfig, sessions: sessionmaker[Session], code: str
) -> None:
    with transaction(sessions) as session:
        session.add(sent_sms("SM51"))
    params = {"MessageSid": "SM51", "MessageStatus": "failed", "ErrorCode": code}
    assert post(lenient, twilio_config, "/twilio/sms/status", params).status_code == 204
    with sessions() as session:
        row = session.scalars(select(Outbox)).one()
    assert (row.status, row.last_error) == ("failed", "failed")


@pytest.mark.parametrize("sid", ["SM" + "0" * 5_000, "SM\x0052"])
def test_a_status_for_an_id_no_twilio_message_has_changes_nothing(
    lenient: TestClient, twilio_config: TwilioConfig, sid: str
) -> None:
    params = {"MessageSid": sid, "MessageStatus": "delivered"}
    assert post(lenient, twilio_config, "/twilio/sms/status", params).status_code == 204
